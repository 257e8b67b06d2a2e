/**
 * @module The engine-facing half of every streamed answer: opens the stream, submits the request's prompts, tracks
 * how many tokens of each choice went out, writes the first piece at once and ends the stream once every prompt
 * finished. A dialect supplies only its frames, so the five streaming routes share one piece of bookkeeping.
 */
import type { EngineHandle, RequestSummary } from '../engine/types.ts';
import { openStream } from '../http/sse-writer.ts';
import { countAborted, submitRun, type EngineRun } from './engine-run.ts';
import type { AppContext } from '../http/request-env.ts';

/** A dialect's frames for one streamed request. */
export interface StreamFrames {
  readonly contentType: string;
  /** Written as the stream opens, before the engine's first output (Anthropic's and Responses' start events). */
  readonly opening?: string;
  /**
   * The frames for tokens (from, upTo] of choice `seq` of prompt `prompt`; `''` writes nothing. Not called once the
   * client has gone (nothing could be written).
   */
  readonly step: (prompt: number, seq: number, from: number, upTo: number, finished: boolean) => string;
  /** The stream's last frames, once every prompt finished (summaries in prompt order). */
  readonly last: (summaries: readonly RequestSummary[]) => string;
}

/** Streams `run` through its model's engine as `frames` say; returns the already-sent response. */
export function streamEngine(c: AppContext, run: EngineRun, frames: StreamFrames): Response {
  let handles: EngineHandle[] = [];
  const { writer, response } = openStream(c, { contentType: frames.contentType, onDisconnect: () => handles.forEach((h) => h.abort()) });
  if (frames.opening) writer.write(frames.opening);
  // A mid-stream fault can end the stream on its opening write: the request is then aborted before it reached the
  // engine, and counted so, as a disconnect would be.
  if (writer.closed) {
    countAborted(c, run.model, run.traceId);
    return response;
  }
  const summaries: RequestSummary[] = new Array(run.prompts.length);
  let left = run.prompts.length;
  let wrote = false;
  handles = submitRun(c, run, (pi) => {
    const released = new Array<number>((run.prompts[pi] as EngineRun['prompts'][number]).plans.length).fill(0);
    return {
      onTokens(seq, upTo, finished) {
        if (writer.closed) return;
        const from = released[seq] as number;
        released[seq] = upTo;
        const out = frames.step(pi, seq, from, upTo, finished);
        if (!out) return;
        // The stream's first piece leaves at once (its time to first token must not wait for the rest of the step).
        writer.write(out, !wrote);
        wrote = true;
      },
      onFinished(summary) {
        summaries[pi] = summary;
        if (--left === 0) writer.end(frames.last(summaries));
      },
    };
  });
  return response;
}
