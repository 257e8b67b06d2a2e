/**
 * @module A client that goes away before its answer: the error that unwinds its request (answered 499, nothing
 * written) and the hooks that report it, from the first byte of its upload to its last byte of answer.
 *
 * Every response gets one 'close' listener when its request arrives (`watchClose`, json-body.ts `stampArrival`);
 * the hooks (`onRequestGone`, `departureSignal`, sse-writer's `onClientGone`) add a callback to its list instead of a
 * listener each: EventEmitter `once` wraps every listener in a closure and a response had four, and an
 * AbortController per request (its EventTarget, the pool's listener on it) cost more than the rest of the hand-off.
 */
import type { AppContext } from './request-env.ts';
import type { ServerResponse } from 'node:http';

/**
 * What a preparer is told a departed client through: the part of AbortSignal it reads (an AbortSignal fits;
 * `departureSignal` below is the cheaper one the routes pass).
 */
export interface GoneSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** The client disconnected before the response was ready (vLLM: "Client disconnected"); nothing is written. */
export class ClientGoneError extends Error {
  constructor() {
    super('Client disconnected');
  }
}

const WATCH = Symbol('llmsim.closeWatch');
type Watched = ServerResponse & { [WATCH]?: ((() => void) | null)[] };

/**
 * The response's one 'close' listener: runs `first` (its clock hold's release), then, when the response did not
 * finish (the client left), each callback the hooks added, in order.
 */
export function watchClose(res: ServerResponse, first: () => void): void {
  const watch: ((() => void) | null)[] = [];
  (res as Watched)[WATCH] = watch;
  res.once('close', () => {
    first();
    if (res.writableFinished) return;
    for (let i = 0; i < watch.length; i++) watch[i]?.();
  });
}

/** Runs `fn` once if `res` closes before it finished; returns the detach. */
export function onResponseClose(res: ServerResponse, fn: () => void): () => void {
  const watch = (res as Watched)[WATCH];
  if (watch) {
    const at = watch.push(fn) - 1;
    return () => {
      watch[at] = null;
    };
  }
  const listener = (): void => {
    if (!res.writableFinished) fn();
  };
  res.once('close', listener);
  return () => res.off('close', listener);
}

/**
 * Calls `fn` once if the connection closes before the response is finished (mid-upload, while the request is
 * prepared or run); returns the detach. A no-op for an app driven without the Node server.
 */
export function onRequestGone(c: AppContext, fn: () => void): () => void {
  const res = c.env?.outgoing;
  if (!res) return () => {};
  if (res.destroyed && !res.writableFinished) {
    queueMicrotask(fn);
    return () => {};
  }
  return onResponseClose(res, fn);
}

/**
 * A signal aborted when the client of `c` leaves (as `onRequestGone`); `detach()` once the request no longer cares.
 * What an AbortController did here, without one.
 */
export function departureSignal(c: AppContext): GoneSignal & { detach(): void } {
  const signal = new Departure();
  signal.detach = onRequestGone(c, () => signal.abort());
  return signal;
}

class Departure implements GoneSignal {
  aborted = false;
  detach: () => void = () => {};
  private listener: (() => void) | null = null;

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    if (this.listener === listener) this.listener = null;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.listener;
    this.listener = null;
    listener?.();
  }
}

/** True when the connection already closed before the response finished (the close event has passed). */
export function requestGone(c: AppContext): boolean {
  const res = c.env?.outgoing;
  return res !== undefined && (res.destroyed || res.socket?.destroyed === true) && !res.writableFinished;
}
