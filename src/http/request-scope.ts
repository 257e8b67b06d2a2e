/**
 * @module Per-request values the front door sets and later code reads: the data-parallel rank chosen for the request
 * and response headers every answer carries (identity headers), streamed or not. Typed in request-env.ts.
 */
import type { AppContext } from './request-env.ts';
import type { StreamDecorator } from './stream-writer.ts';

export function setDataParallelRank(c: AppContext, rank: number | undefined): void {
  if (rank !== undefined) c.set('dpRank', rank);
}

/** The rank the front door chose (undefined without data parallelism). */
export function dataParallelRankOf(c: AppContext): number | undefined {
  return c.get('dpRank');
}

export function setExtraHeaders(c: AppContext, headers: Record<string, string>): void {
  c.set('extraHeaders', headers);
}

/** Headers to add to this request's answer (the SSE writer adds them to streams). */
export function extraHeadersOf(c: AppContext): Record<string, string> | undefined {
  return c.get('extraHeaders');
}

/** A stream writer's decorator for this request (src/http/stream-writer.ts). */
export function setStreamDecorator(c: AppContext, decorate: StreamDecorator): void {
  c.set('streamDecorator', decorate);
}

export function streamDecoratorOf(c: AppContext): StreamDecorator | undefined {
  return c.get('streamDecorator');
}
