/**
 * @module The main-thread end of the pipeline: a prepared prompt goes to its model's engine (admission, submission) and
 * a non-streamed request waits for its summaries. Never runs in a preparation worker (it touches the engine).
 */
import type { ServedModel } from '../serving/context.ts';
import { onClientGone } from '../http/sse-writer.ts';
import { ClientGoneError } from '../http/client-gone.ts';
import { submitArrival, type SubmittedArrival } from '../http/json-body.ts';
import { dataParallelRankOf } from '../http/request-scope.ts';
import type { EngineHandle, EngineSink, RequestSummary } from '../engine/types.ts';
import { errors } from '../protocol/errors.ts';
import type { SamplingParams } from '../protocol/sampling.ts';
import type { PlannedPrompt } from './plan-prompt.ts';
import type { AppContext } from '../http/request-env.ts';

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
export function countAborted(c: AppContext, model: ServedModel, traceId: string): void {
  const request = {
    requestId: traceId,
    promptTokenIds: [model.tokenizer.eosTokenId],
    sequences: [{ outputTokens: 1, finishReason: 'length' as const }],
    priority: 0,
    maxTokens: 1,
    ...submitArrival(c),
    dataParallelRank: dataParallelRankOf(c),
  };
  model.engine.submit(request, NO_SINK).abort();
}

/** What one request runs on the engine: its prompts (a completions batch has several, every other route one). */
export interface EngineRun {
  readonly model: ServedModel;
  readonly prompts: readonly PlannedPrompt[];
  readonly params: SamplingParams;
  readonly priority?: number;
  readonly cacheSalt?: string | null;
  /** Names the request in the trace (the response id); a batch's prompts are `traceId-i`. */
  readonly traceId: string;
}

/** The run of a one-prompt request (a prepared job's model, prompt and sampling params). */
export function singleRun(
  job: { readonly model: ServedModel; readonly planned: PlannedPrompt; readonly params: SamplingParams },
  traceId: string,
  priority = 0,
  cacheSalt: string | null | undefined = null,
): EngineRun {
  return { model: job.model, prompts: [job.planned], params: job.params, priority, cacheSalt, traceId };
}

/** Submits every prompt of `run` for the request in `c` (its arrival time and data-parallel rank), sink `i` for prompt `i`. */
export function submitRun(c: AppContext, run: EngineRun, sinkOf: (i: number) => EngineSink): EngineHandle[] {
  const arrival = submitArrival(c);
  const rank = dataParallelRankOf(c);
  const several = run.prompts.length > 1;
  return run.prompts.map((planned, i) =>
    submitPrompt(run.model, planned, run.params, run.priority ?? 0, run.cacheSalt, sinkOf(i), several ? `${run.traceId}-${i}` : run.traceId, arrival, rank),
  );
}

/**
 * Runs prompts to completion (non-streaming) for the request in `c`: resolves with each prompt's summary, or with null
 * when the client went away first (its engine requests are then aborted, as vLLM's "Client disconnected").
 */
export async function runToCompletion(c: AppContext, run: EngineRun): Promise<RequestSummary[] | null> {
  let abort: (() => void) | null = null;
  const detach = onClientGone(c, () => abort?.());
  try {
    return await new Promise<RequestSummary[]>((resolve, reject) => {
      const summaries: RequestSummary[] = new Array(run.prompts.length);
      let left = run.prompts.length;
      const handles = submitRun(c, run, (i) => ({
        onTokens: () => {},
        onFinished: (summary) => {
          summaries[i] = summary;
          if (--left === 0) resolve(summaries);
        },
      }));
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

function submitPrompt(
  model: ServedModel,
  planned: PlannedPrompt,
  params: SamplingParams,
  priority: number,
  cacheSalt: string | null | undefined,
  sink: EngineSink,
  traceId: string,
  arrival: SubmittedArrival,
  dataParallelRank: number | undefined,
): EngineHandle {
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
      arrivalTime: arrival.arrivalTime,
      late: arrival.late,
      remotePrefillSeconds: planned.remotePrefillSeconds,
      dataParallelRank,
    },
    sink,
  );
}

export { ClientGoneError } from '../http/client-gone.ts';
