/**
 * @module The main-thread end of the pipeline: a prepared prompt goes to its model's engine (admission, submission) and
 * a non-streamed request waits for its summaries. Never runs in a preparation worker (it touches the engine).
 */
import type { Context } from 'hono';
import type { ServedModel } from '../serving/context.ts';
import { onClientGone } from '../http/sse-writer.ts';
import { ClientGoneError } from '../http/client-gone.ts';
import { submitArrival } from '../http/json-body.ts';
import { dataParallelRankOf } from '../http/request-scope.ts';
import type { EngineHandle, EngineSink, RequestSummary } from '../engine/types.ts';
import { errors } from '../protocol/errors.ts';
import type { SamplingParams } from '../protocol/sampling.ts';
import type { PlannedPrompt } from './plan-prompt.ts';

/** `--max-waiting` (llm-d style): refuse with 429 before any byte is sent when the engine's queue is full. */
export function checkAdmission(model: ServedModel): void {
  if (model.maxWaiting !== null && model.engine.stats().waiting >= model.maxWaiting) throw errors.queueFull(model.maxWaiting);
}

const NO_SINK: EngineSink = { onTokens: () => {}, onFinished: () => {} };

/**
 * A request whose client left before it reached the engine (mid-upload, or while it was prepared) is still counted
 * as aborted, as vLLM counts a request aborted in its front end: the engine records an abort (metrics
 * `finished_reason="abort"`, trace) for a one-token stand-in that is withdrawn before anything is scheduled.
 */
export function countAborted(c: Context, model: ServedModel, traceId: string): void {
  const request = { requestId: traceId, promptTokenIds: [model.tokenizer.eosTokenId], sequences: [{ outputTokens: 1, finishReason: 'length' as const }], priority: 0, maxTokens: 1, arrivalTime: submitArrival(c), dataParallelRank: dataParallelRankOf(c) };
  model.engine.submit(request, NO_SINK).abort();
}

/** Submits one prompt's choices to the model's engine; `traceId` names the request in the trace (the response id). */
export function submitPrompt(model: ServedModel, planned: PlannedPrompt, params: SamplingParams, priority: number, cacheSalt: string | null | undefined, sink: EngineSink, traceId = '', arrivalTime?: number, dataParallelRank?: number): EngineHandle {
  return model.engine.submit(
    {
      requestId: traceId,
      promptTokenIds: planned.promptIds,
      sequences: planned.plans.map((p) => ({ outputTokens: p.tokenCount, finishReason: p.finishReason })),
      priority,
      cacheSalt: cacheSalt || undefined,
      prefixHashes: planned.prefixHashes,
      maxTokens: params.maxTokens,
      lora: planned.lora ?? undefined,
      arrivalTime,
      remotePrefillSeconds: planned.remotePrefillSeconds,
      dataParallelRank,
    },
    sink,
  );
}

/**
 * Runs prompts to completion (non-streaming) for the request in `c`: resolves with each prompt's summary, or with null
 * when the client went away first (its engine requests are then aborted, as vLLM's "Client disconnected").
 */
export async function runToCompletion(c: Context, model: ServedModel, prompts: readonly PlannedPrompt[], params: SamplingParams, priority: number, cacheSalt: string | null | undefined, traceId: string): Promise<RequestSummary[] | null> {
  let abort: (() => void) | null = null;
  const detach = onClientGone(c, () => abort?.());
  try {
    return await new Promise<RequestSummary[]>((resolve, reject) => {
      const summaries: RequestSummary[] = new Array(prompts.length);
      let left = prompts.length;
      const sink = (i: number): EngineSink => ({
        onTokens: () => {},
        onFinished: (summary) => {
          summaries[i] = summary;
          if (--left === 0) resolve(summaries);
        },
      });
      const handles = prompts.map((planned, i) => submitPrompt(model, planned, params, priority, cacheSalt, sink(i), prompts.length > 1 ? `${traceId}-${i}` : traceId, submitArrival(c), dataParallelRankOf(c)));
      abort = () => {
        handles.forEach((h) => h.abort());
        reject(new ClientGoneError());
      };
    });
  } catch (err) {
    if (err instanceof ClientGoneError) return null;
    throw err;
  } finally {
    detach();
  }
}

export { ClientGoneError } from '../http/client-gone.ts';
