/**
 * @module vLLM's data-parallel front end (DPLBAsyncMPClient): N engines, one per rank, behind one Engine. A request runs
 * on the rank it names, else on the least-loaded rank by vLLM's score (waiting × 4 + running), chosen when the request
 * is handed to this engine: behind the API-server loop (src/engine/frontend.ts wraps it), as vLLM's client picks the
 * engine in add_request_async, after the API server has processed the request (core_client.py).
 */
import type { Engine, EngineStats } from './types.ts';

export function createDataParallelEngine(ranks: readonly Engine[]): Engine {
  // Ties rotate: a request is invisible in its rank's stats during its front-end delay, so a burst would otherwise all
  // land on the lowest rank. vLLM counts its own assignments between coordinator snapshots instead (a local waiting
  // increment); over a burst on idle ranks both spread round-robin.
  let cursor = 0;
  return {
    ranks,
    submit(request, sink) {
      let rank = request.dataParallelRank;
      if (rank === undefined) {
        rank = leastLoadedRank(
          ranks.map((e) => e.stats()),
          cursor,
        );
        cursor = (cursor + 1) % ranks.length;
      }
      const engine = ranks[rank];
      if (!engine) throw new RangeError(`data-parallel rank ${rank} out of range [0, ${ranks.length})`);
      return engine.submit(request, sink);
    },
    stats(): EngineStats {
      const all = ranks.map((e) => e.stats());
      return {
        running: all.reduce((a, s) => a + s.running, 0),
        waiting: all.reduce((a, s) => a + s.waiting, 0),
        kvCacheUsage: all.reduce((a, s) => a + s.kvCacheUsage, 0) / all.length,
        runningLoras: [...new Set(all.flatMap((s) => s.runningLoras ?? []))],
        waitingLoras: [...new Set(all.flatMap((s) => s.waitingLoras ?? []))],
      };
    },
    close() {
      for (const e of ranks) e.close();
    },
    resetPrefixCache() {
      return ranks.map((e) => e.resetPrefixCache?.() ?? true).every(Boolean);
    },
  };
}

/** vLLM's balancing score; `start` rotates the tie-break (the front door uses it so a burst spreads over idle ranks). */
export function leastLoadedRank(stats: readonly EngineStats[], start = 0): number {
  let best = -1;
  let bestScore = Infinity;
  for (let k = 0; k < stats.length; k++) {
    const i = (start + k) % stats.length;
    const s = stats[i] as EngineStats;
    const score = s.waiting * 4 + s.running;
    if (score < bestScore) {
      best = i;
      bestScore = score;
    }
  }
  return Math.max(0, best);
}
