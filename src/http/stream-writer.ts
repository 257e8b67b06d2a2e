/** @module What a route writes a stream through, and what may wrap it (a mid-stream fault does). */
import type { ServerResponse } from 'node:http';

export interface StreamWriter {
  /** True once the client went away or the stream ended. */
  readonly closed: boolean;
  /**
   * Queues `chunk` for the end of this event-loop turn (frames of one turn leave in one write). `now` writes it at
   * once instead when nothing is queued: a stream's first chunk, so its time to first token does not wait for the
   * rest of the step's work.
   */
  write(chunk: string, now?: boolean): void;
  end(chunk?: string): void;
}

/**
 * Wraps a request's stream writer. Set on the request context by middleware that runs before the route
 * (src/http/request-scope.ts), applied by the SSE writer, which need not know what decorates it. `abort` ends the
 * request in the engine, as a client disconnect would.
 */
export type StreamDecorator = (inner: StreamWriter, res: ServerResponse, contentType: string, abort: () => void) => StreamWriter;

/** The content types streams go out with: SSE (OpenAI, vLLM, Anthropic, Responses) and NDJSON (Ollama). */
export const SSE_CONTENT_TYPE = 'text/event-stream; charset=utf-8';
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';
