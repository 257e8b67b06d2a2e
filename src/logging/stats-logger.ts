/**
 * @module vLLM's LoggingStatLogger: every interval, per engine, "Engine 000: Avg prompt throughput: X tokens/s, Avg
 * generation throughput: Y tokens/s, Running: N reqs, Waiting: M reqs, GPU KV cache usage: U%, Prefix cache hit rate:
 * H%". Throughputs are over the interval (simulated seconds); the hit rate over the last 1000 prefix-cache lookups as
 * vLLM's CachingMetrics. Like vLLM, an idle engine logs once, then stays quiet until work arrives.
 */
import type { EngineObserver } from '../engine/observer.ts';
import type { EngineStats } from '../engine/types.ts';
import type { Logger } from './log.ts';

const RECENT = 1000;

export interface EngineStatsLog {
  /** The observer to merge into the engine's. */
  readonly observer: EngineObserver;
  /** Writes this engine's line for the interval that ends at `now` (simulated seconds). */
  log(now: number): void;
}

export function createEngineStatsLog(index: number, stats: () => EngineStats, logger: Logger): EngineStatsLog {
  let prompt = 0;
  let generated = 0;
  let since = 0;
  let wasIdle = false;
  const recent: [number, number][] = [];
  let queried = 0;
  let hits = 0;
  return {
    observer: {
      step(r) {
        prompt += r.prefillTokens;
        generated += r.generatedTokens;
      },
      prefixCache(q, h) {
        recent.push([q, h]);
        queried += q;
        hits += h;
        if (recent.length > RECENT) {
          const [oq, oh] = recent.shift() as [number, number];
          queried -= oq;
          hits -= oh;
        }
      },
    },
    log(now) {
      const s = stats();
      const seconds = Math.max(now - since, 1e-9);
      const idle = prompt === 0 && generated === 0 && s.running === 0 && s.waiting === 0;
      if (!(idle && wasIdle)) {
        logger.info(
          'loggers.py:123',
          `Engine ${String(index).padStart(3, '0')}: Avg prompt throughput: ${(prompt / seconds).toFixed(1)} tokens/s, ` +
            `Avg generation throughput: ${(generated / seconds).toFixed(1)} tokens/s, Running: ${s.running} reqs, Waiting: ${s.waiting} reqs, ` +
            `GPU KV cache usage: ${(s.kvCacheUsage * 100).toFixed(1)}%, Prefix cache hit rate: ${(queried > 0 ? (hits / queried) * 100 : 0).toFixed(1)}%`,
        );
      }
      wasIdle = idle;
      prompt = 0;
      generated = 0;
      since = now;
    },
  };
}
