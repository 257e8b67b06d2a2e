/**
 * @module The API-server front end as one FIFO server in front of an engine (DESIGN.md §10.2, front-end queue). vLLM
 * runs its OpenAI server as one Python process (one asyncio loop): it parses and tokenizes every request before the
 * engine sees it, and detokenizes and serializes every streamed chunk after the engine produced it. Both kinds of
 * work share that loop, so when it is busy a new request waits behind the chunks of the running ones, and the chunks
 * reach the client later than the engine produced them. Off (a pass-through) when both service times are 0.
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

export function withFrontEnd(engine: Engine, clock: Clock, costs: FrontEndCosts): Engine {
  if (costs.perRequest <= 0 && costs.perPromptToken <= 0 && costs.perChunk <= 0) return engine;
  // When the loop is next free (simulated seconds). Work is served in the order it arrives.
  let freeAt = 0;
  const serve = (at: number, work: number): number => (freeAt = Math.max(freeAt, at) + work);

  return {
    submit(request: EngineRequest, sink: EngineSink): EngineHandle {
      const arrival = request.arrivalTime ?? clock.now();
      const ready = serve(arrival, costs.perRequest + costs.perPromptToken * request.promptTokenIds.length);
      let inner: EngineHandle | null = null;
      let aborted = false;
      // A chunk leaves the loop once it is served; the request finishes for the client with its last chunk.
      let lastOut = 0;
      const wrapped: EngineSink = {
        onTokens(seq, released, finished) {
          lastOut = serve(clock.now(), costs.perChunk);
          clock.at(lastOut, () => aborted || sink.onTokens(seq, released, finished));
        },
        onFinished(summary) {
          clock.at(Math.max(lastOut, clock.now()), () => aborted || sink.onFinished(summary));
        },
      };
      // The engine sees the request when the loop has handled it (its own α_in counts from then).
      const cancel = clock.at(ready, () => {
        if (!aborted) inner = engine.submit({ ...request, arrivalTime: ready }, wrapped);
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
