/**
 * @module A client that goes away before its answer: the error that unwinds its request (answered 499, nothing
 * written) and the hook that reports it, from the first byte of its upload to its last byte of answer.
 */
import type { Context } from 'hono';
import type { ServerResponse } from 'node:http';

/** The client disconnected before the response was ready (vLLM: "Client disconnected"); nothing is written. */
export class ClientGoneError extends Error {
  constructor() {
    super('Client disconnected');
  }
}

/**
 * Calls `fn` once if the connection closes before the response is finished (mid-upload, while the request is
 * prepared or run); returns the detach. A no-op for an app driven without the Node server.
 */
export function onRequestGone(c: Context, fn: () => void): () => void {
  const res = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!res) return () => {};
  if (res.destroyed && !res.writableFinished) {
    queueMicrotask(fn);
    return () => {};
  }
  const listener = (): void => {
    if (!res.writableFinished) fn();
  };
  res.once('close', listener);
  return () => res.off('close', listener);
}

/** True when the connection already closed before the response finished (the close event has passed). */
export function requestGone(c: Context): boolean {
  const res = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  return res !== undefined && (res.destroyed || res.socket?.destroyed === true) && !res.writableFinished;
}
