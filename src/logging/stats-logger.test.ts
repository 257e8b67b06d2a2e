import { describe, it, expect } from 'vitest';
import { createLogger } from './log.ts';
import { createEngineStatsLog } from './stats-logger.ts';
import type { EngineStats } from '../engine/types.ts';

describe('vLLM-style stats line', () => {
  it("prints vLLM's wording with interval throughputs, and stays quiet when idle twice", () => {
    const lines: string[] = [];
    const logger = createLogger(
      () => 1_730_000_000 + 12.5,
      (l) => lines.push(l),
    );
    let stats: EngineStats = { running: 3, waiting: 1, kvCacheUsage: 0.125 };
    const log = createEngineStatsLog(1, () => stats, logger);
    log.observer.step?.({ start: 0, duration: 0.1, prefillTokens: 800, generatedTokens: 200, scheduledTokens: 1000, batchSize: 4 });
    log.observer.prefixCache?.(100, 25);
    log.log(10);
    expect(lines).toEqual([
      'INFO 10-27 03:33:32 [loggers.py:123] Engine 001: Avg prompt throughput: 80.0 tokens/s, Avg generation throughput: 20.0 tokens/s, ' +
        'Running: 3 reqs, Waiting: 1 reqs, GPU KV cache usage: 12.5%, Prefix cache hit rate: 25.0%\n',
    ]);
    stats = { running: 0, waiting: 0, kvCacheUsage: 0 };
    log.log(20);
    log.log(30);
    log.log(40);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('Avg prompt throughput: 0.0 tokens/s');
  });
});
