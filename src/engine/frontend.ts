/**
 * @module The API-server front end as FIFO servers in front of an engine (DESIGN.md §10.2, front-end queue). vLLM
 * runs its OpenAI server as one Python process (one asyncio loop): it parses and tokenizes every request before the
 * engine sees it, and detokenizes and serializes every streamed chunk after the engine produced it. Both kinds of
 * work share that loop, so when it is busy a new request waits behind the chunks of the running ones, and the chunks
 * reach the client later than the engine produced them. With data parallelism the loop sits in front of all ranks
 * (one API server for the whole deployment); `--api-server-count K` runs K such loops. Off (a pass-through) when every
 * service time is 0.
 */
import type { Clock } from '../clock/clock.ts';
import type { Engine, EngineHandle, EngineRequest, EngineSink } from './types.ts';

export interface FrontEndCosts {
  /** Loop time per request before it reaches the engine (HTTP, validation, templating), seconds. */
  readonly perRequest: number;
  /** Loop time per prompt token (tokenization), seconds. */
  readonly perPromptToken: number;
  /** Loop time per streamed chunk (detokenize, serialize, write), seconds. */
  readonly perChunk: number;
}

/**
 * `loops` API-server processes share one listening socket (vLLM's run_multi_api_server hands the same socket to each),
 * so the kernel gives a new connection to a process waiting in accept(): an idle loop takes it before a busy one. A
 * request goes to the loop that is free first, the free ones taken in turn (a burst spreads round-robin). It stays on
 * that loop for its chunks, as vLLM routes a request's outputs back to the API server that sent it.
 */
export function withFrontEnd(engine: Engine, clock: Clock, costs: FrontEndCosts, loops = 1): Engine {
  if (costs.perRequest <= 0 && costs.perPromptToken <= 0 && costs.perChunk <= 0) return engine;
  // When each loop is next free (simulated seconds). Each serves its work in the order it arrives.
  const freeAt = new Array<number>(Math.max(1, Math.floor(loops))).fill(0);
  let cursor = 0;
  const serve = (loop: number, at: number, work: number): number => (freeAt[loop] = Math.max(freeAt[loop] as number, at) + work);
  const pickLoop = (at: number): number => {
    let best = cursor;
    for (let k = 0; k < freeAt.length; k++) {
      const i = (cursor + k) % freeAt.length;
      if (Math.max(freeAt[i] as number, at) < Math.max(freeAt[best] as number, at)) best = i;
    }
    cursor = (best + 1) % freeAt.length;
    return best;
  };

  return {
    ...(engine.ranks ? { ranks: engine.ranks } : {}),
    submit(request: EngineRequest, sink: EngineSink): EngineHandle {
      // A late request (clock/holds.ts) reaches the loop now: no step waited for it.
      const arrival = request.late === true ? clock.now() : (request.arrivalTime ?? clock.now());
      const loop = pickLoop(arrival);
      const ready = serve(loop, arrival, costs.perRequest + costs.perPromptToken * request.promptTokenIds.length);
      let inner: EngineHandle | null = null;
      let aborted = false;
      // A chunk leaves the loop once it is served; the request finishes for the client with its last chunk.
      let lastOut = 0;
      const wrapped: EngineSink = {
        onTokens(seq, released, finished) {
          lastOut = serve(loop, clock.now(), costs.perChunk);
          clock.at(lastOut, () => aborted || sink.onTokens(seq, released, finished));
        },
        onFinished(summary) {
          clock.at(Math.max(lastOut, clock.now()), () => aborted || sink.onFinished(summary));
        },
      };
      // The engine sees the request when the loop has handled it (its own α_in counts from then).
      const cancel = clock.at(ready, () => {
        if (!aborted) inner = engine.submit({ ...request, arrivalTime: ready, late: false }, wrapped);
      });
      return {
        abort() {
          if (aborted) return;
          aborted = true;
          cancel();
          inner?.abort();
        },
      };
    },
    stats: () => engine.stats(),
    close: () => engine.close(),
    ...(engine.resetPrefixCache ? { resetPrefixCache: () => engine.resetPrefixCache!() } : {}),
  };
}
