/**
 * @module `--trace FILE`: one JSON line per finished or aborted request with its simulated timeline — the ground truth
 * a proxy benchmark compares its observations with.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { RequestReport } from './observer.ts';

export interface TraceWriter {
  /** `replica`: the fleet replica that served it (omitted for a single server). */
  write(model: string, report: RequestReport, replica?: string): void;
  /** A line for an injected fault (kind, replica, simulated time). */
  writeFault(replica: string, kind: string, time: number): void;
  close(): Promise<void>;
}

export function createTraceWriter(file: string): TraceWriter {
  const out: WriteStream = createWriteStream(file, { flags: 'a' });
  out.on('error', (err) => process.stderr.write(`llmsim: trace file ${file}: ${err.message}\n`));
  return {
    write(model, r, replica) {
      out.write(
        `${JSON.stringify({
          request_id: r.requestId,
          ...(replica !== undefined ? { replica } : {}),
          model,
          lora: r.lora,
          arrival: r.arrival,
          queued: r.queued,
          first_scheduled: r.firstScheduled,
          prefill_chunks: r.prefillChunks,
          first_token: r.firstToken,
          finished: r.finished,
          finish_reason: r.finishReason,
          preemptions: r.preemptions,
          prompt_tokens: r.promptTokens,
          cached_tokens: r.cachedTokens,
          generated_tokens: r.generatedTokens,
          ...(r.tokenTimes ? { token_times: r.tokenTimes } : {}),
        })}\n`,
      );
    },
    writeFault(replica, kind, time) {
      out.write(`${JSON.stringify({ fault: kind, replica, time })}\n`);
    },
    close: () => new Promise((resolve) => out.end(() => resolve())),
  };
}
