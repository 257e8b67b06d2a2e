import { describe, it, expect } from 'vitest';
import { createDataParallelEngine, leastLoadedRank } from './data-parallel.ts';
import type { Engine, EngineRequest, EngineStats } from './types.ts';

/** A rank whose stats the test sets; it records the requests it was given. */
function rank(stats: EngineStats): Engine & { got: string[]; stats(): EngineStats } {
  const got: string[] = [];
  return { got, submit: (r: EngineRequest) => (got.push(r.requestId), { abort: () => {} }), stats: () => stats, close: () => {} };
}
const req = (id: string, dataParallelRank?: number): EngineRequest => ({
  requestId: id,
  promptTokenIds: [1],
  sequences: [{ outputTokens: 1 }],
  priority: 0,
  maxTokens: 1,
  ...(dataParallelRank === undefined ? {} : { dataParallelRank }),
});
const idle = (): EngineStats => ({ running: 0, waiting: 0, kvCacheUsage: 0 });

describe('data-parallel engine: the rank is chosen at hand-off', () => {
  it('spreads a burst over idle ranks (requests are invisible in the stats during their front-end delay)', () => {
    const ranks = [rank(idle()), rank(idle()), rank(idle())];
    const dp = createDataParallelEngine(ranks);
    for (const id of ['a', 'b', 'c', 'd']) dp.submit(req(id), { onTokens: () => {}, onFinished: () => {} });
    expect(ranks.map((r) => r.got)).toEqual([['a', 'd'], ['b'], ['c']]);
  });

  it("takes vLLM's score (waiting x 4 + running) over the tie-break, and a pinned rank over both", () => {
    const ranks = [
      rank({ running: 1, waiting: 0, kvCacheUsage: 0 }),
      rank({ running: 3, waiting: 0, kvCacheUsage: 0 }),
      rank({ running: 0, waiting: 1, kvCacheUsage: 0 }),
    ];
    const dp = createDataParallelEngine(ranks);
    dp.submit(req('x'), { onTokens: () => {}, onFinished: () => {} });
    dp.submit(req('pinned', 2), { onTokens: () => {}, onFinished: () => {} });
    expect(ranks.map((r) => r.got)).toEqual([['x'], [], ['pinned']]);
    expect(leastLoadedRank([idle(), idle()], 1)).toBe(1);
  });
});
