/**
 * @module Per-request values the front door sets and later code reads: the data-parallel rank chosen for the request
 * and response headers every answer carries (identity headers), streamed or not.
 */
import type { Context } from 'hono';
import type { ServerResponse } from 'node:http';
import type { StreamWriter } from './sse-writer.ts';

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

/**
 * Wraps a request's stream writer (a mid-stream fault plays this way). Set by middleware that runs before the route,
 * read by the SSE writer: the writer need not know what decorates it (faults/ depends on http/, not the other way).
 * `abort` ends the request in the engine, as a client disconnect would.
 */
export type StreamDecorator = (inner: StreamWriter, res: ServerResponse, contentType: string, abort: () => void) => StreamWriter;

export function setStreamDecorator(c: Context, decorate: StreamDecorator): void {
  c.set(DECORATOR_KEY as never, decorate as never);
}

export function streamDecoratorOf(c: Context): StreamDecorator | undefined {
  return c.get(DECORATOR_KEY as never) as StreamDecorator | undefined;
}
