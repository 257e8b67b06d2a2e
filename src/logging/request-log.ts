/**
 * @module `--enable-log-requests`: a line when a request reaches the engine and one when it ends (vLLM logs
 * "Added request …" / "Aborted request …"; llmsim adds what the simulation decided: rank, cached tokens, timings).
 */
import type { Engine } from '../engine/types.ts';
import type { Logger } from './log.ts';

export function withRequestLog(engine: Engine, logger: Logger): Engine {
  return {
    ...engine,
    submit(request, sink) {
      const rank = request.dataParallelRank === undefined ? '' : `, data_parallel_rank: ${request.dataParallelRank}`;
      logger.info(
        'async_llm.py:345',
        `Added request ${request.requestId}: prompt_tokens: ${request.promptTokenIds.length}, n: ${request.sequences.length}, ` +
          `max_tokens: ${request.maxTokens}` +
          `${request.lora ? `, lora: ${request.lora}` : ''}${rank}.`,
      );
      let done = false;
      const handle = engine.submit(request, {
        onTokens: (seq, released, finished) => sink.onTokens(seq, released, finished),
        onFinished(summary) {
          done = true;
          logger.info(
            'llmsim',
            `Finished request ${request.requestId}: cached_tokens: ${summary.cachedTokens}, ` +
              `queued ${(summary.firstScheduledTime - summary.arrivalTime).toFixed(3)} s, ` +
              `TTFT ${(summary.firstTokenTime - summary.arrivalTime).toFixed(3)} s, e2e ${(summary.finishedTime - summary.arrivalTime).toFixed(3)} s.`,
          );
          sink.onFinished(summary);
        },
      });
      let aborted = false;
      return {
        abort() {
          if (!aborted && !done) logger.info('async_llm.py:447', `Aborted request ${request.requestId}.`);
          aborted = true;
          handle.abort();
        },
      };
    },
    stats: () => engine.stats(),
    close: () => engine.close(),
  };
}
