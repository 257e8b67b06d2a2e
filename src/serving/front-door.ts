/**
 * @module What the front door decides for a request before any dialect sees it: whether the engine takes work (model
 * loading, sleep mode), which data-parallel rank serves it (vLLM's `X-data-parallel-rank` header, else the least-loaded
 * rank), and the identity headers naming who served it.
 */
import type { ServerContext } from './context.ts';
import { ApiError } from '../protocol/errors.ts';
import { leastLoadedRank } from '../engine/data-parallel.ts';
import type { EngineStats } from '../engine/types.ts';

/** A 503 while the simulated model is still loading or the engine sleeps (vLLM would not answer / would fail). */
export function unavailable(ctx: ServerContext): ApiError | null {
  if (ctx.elapsed() < ctx.lifecycle.readyAt) return new ApiError(503, 'ServiceUnavailableError', 'The model is still loading; retry once /health returns 200.');
  if (ctx.lifecycle.sleepLevel > 0) return new ApiError(503, 'ServiceUnavailableError', 'The engine is sleeping; call POST /wake_up first.');
  return null;
}

/**
 * The rank a generation request is pinned to, or undefined to leave it to the data-parallel engine. The header is
 * vLLM's (an integer in [0, data_parallel_size)). Without it vLLM picks the rank after the API server has processed the
 * request (DPLBAsyncMPClient.get_core_engine_for_request, in add_request_async), so the engine does, when the request
 * leaves the front-end queue (src/engine/data-parallel.ts). Only `--identity-headers` needs the rank before that, to
 * commit it in the response headers: then it is chosen here, at arrival, by the same score summed over the served
 * models.
 */
export function chooseRank(ctx: ServerContext, requested: string | undefined): number | undefined {
  const size = ctx.settings.dataParallelSize;
  if (requested !== undefined && requested.trim() !== '') {
    const rank = Number(requested);
    if (!/^\s*\d+\s*$/.test(requested)) throw new ApiError(400, 'BadRequestError', `Invalid X-data-parallel-rank header: '${requested}' is not an integer.`);
    if (rank >= size) throw new ApiError(400, 'BadRequestError', `Requested DP rank ${rank} is out of range [0, ${size}).`);
    return size > 1 ? rank : undefined;
  }
  if (size <= 1 || !ctx.settings.identity) return undefined;
  const load: EngineStats[] = Array.from({ length: size }, (_, i) => {
    let running = 0;
    let waiting = 0;
    for (const m of ctx.models) {
      const s = m.engine.ranks?.[i]?.stats();
      running += s?.running ?? 0;
      waiting += s?.waiting ?? 0;
    }
    return { running, waiting, kvCacheUsage: 0 };
  });
  const rank = leastLoadedRank(load, ctx.dataParallelCursor);
  ctx.dataParallelCursor = (ctx.dataParallelCursor + 1) % size;
  return rank;
}

/** `--identity-headers`: who served the request (and on which rank, for generation requests). */
export function identityHeaders(ctx: ServerContext, rank: number | undefined): Record<string, string> | null {
  const id = ctx.settings.identity;
  if (!id) return null;
  const headers: Record<string, string> = { 'x-llmsim-replica': id.replica };
  if (rank !== undefined || ctx.settings.dataParallelSize > 1) headers['x-llmsim-dp-rank'] = String(rank ?? 0);
  if (id.pod !== null) headers['x-llmsim-pod'] = id.pod;
  if (id.namespace !== null) headers['x-llmsim-namespace'] = id.namespace;
  return headers;
}
