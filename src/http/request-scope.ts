/**
 * @module Per-request values the front door sets and later code reads: the data-parallel rank chosen for the request
 * and response headers every answer carries (identity headers), streamed or not.
 */
import type { Context } from 'hono';
import type { StreamDecorator } from './stream-writer.ts';

const RANK_KEY = 'llmsim.dpRank';
const HEADERS_KEY = 'llmsim.extraHeaders';
const DECORATOR_KEY = 'llmsim.streamDecorator';

export function setDataParallelRank(c: Context, rank: number | undefined): void {
  if (rank !== undefined) c.set(RANK_KEY as never, rank as never);
}

/** The rank the front door chose (undefined without data parallelism). */
export function dataParallelRankOf(c: Context): number | undefined {
  return c.get(RANK_KEY as never) as number | undefined;
}

export function setExtraHeaders(c: Context, headers: Record<string, string>): void {
  c.set(HEADERS_KEY as never, headers as never);
}

/** Headers to add to this request's answer (the SSE writer adds them to streams). */
export function extraHeadersOf(c: Context): Record<string, string> | undefined {
  return c.get(HEADERS_KEY as never) as Record<string, string> | undefined;
}

/** A stream writer's decorator for this request (src/http/stream-writer.ts). */
export function setStreamDecorator(c: Context, decorate: StreamDecorator): void {
  c.set(DECORATOR_KEY as never, decorate as never);
}

export function streamDecoratorOf(c: Context): StreamDecorator | undefined {
  return c.get(DECORATOR_KEY as never) as StreamDecorator | undefined;
}
