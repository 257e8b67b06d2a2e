/**
 * @module The only code that writes streaming bodies. It writes pre-rendered frames straight to the Node response
 * (Hono's streamSSE helper costs ~4x the CPU per event), guards every write against a closed socket, coalesces
 * writes while the socket is backed up instead of buffering per event, and reports client disconnects once.
 */
import type { AppContext } from './request-env.ts';
import { onResponseClose } from './client-gone.ts';
import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { corsHeadersOf } from './cors.ts';
import { extraHeadersOf, streamDecoratorOf } from './request-scope.ts';
import type { StreamWriter } from './stream-writer.ts';

export type { StreamWriter } from './stream-writer.ts';

export interface OpenStreamOptions {
  readonly contentType: string;
  /** Called once if the client disconnects before `end()`. */
  readonly onDisconnect: () => void;
}

/** Commits a 200 with the given content type (vLLM commits headers before generation starts). */
export function openStream(c: AppContext, { contentType, onDisconnect }: OpenStreamOptions): { writer: StreamWriter; response: Response } {
  const res = nodeResponse(c);
  let closed = false;
  let pending = '';
  let blocked = false;
  // A socket error mid-stream (EPIPE, reset) must close the stream, never crash the process.
  res.on('error', () => {});
  // The handler has read what it needs of the request: discard any unread body. A route that streams without reading
  // it (the clock hold) otherwise left a large upload stuck in the socket buffers, and a client that stopped reading
  // could not close its half: the stream (and the clock hold with it) stayed open for good.
  const incoming = c.env?.incoming;
  if (incoming && !incoming.readableEnded) incoming.resume();
  res.writeHead(200, { ...corsHeadersOf(c), ...extraHeadersOf(c), 'content-type': contentType });
  res.flushHeaders();
  const put = chunkWriter(res);
  const onDrain = (): void => {
    blocked = false;
    if (pending && !closed && !res.writableEnded) {
      const chunk = pending;
      pending = '';
      blocked = !put(chunk, onDrain);
    }
  };
  open++;
  res.once('close', () => {
    open--;
    if (closed) return;
    closed = true;
    pending = '';
    onDisconnect();
  });
  // Frames written during one event-loop turn are joined and leave in one write at the end of the turn (role +
  // first token, or the several steps a scaled or virtual clock runs per turn).
  let turn: string | null = null;
  // A stream's end leaves in the shared flush, with the frames queued this turn (see `end`).
  let ending: string | null = null;
  const flushTurn = (): void => {
    const chunk = turn as string;
    turn = null;
    if (ending !== null) {
      const tail = ending;
      ending = null;
      if (!res.destroyed && !res.writableEnded) res.end(pending + chunk + tail);
      pending = '';
      return;
    }
    if (closed || res.destroyed || res.writableEnded || chunk === null) return;
    if (blocked) pending += chunk;
    else blocked = !put(chunk, onDrain);
  };
  const queueTurn = (chunk: string): void => {
    turn = chunk;
    queued++;
    endOfTurn.push(flushTurn);
    if (!flushing) {
      flushing = true;
      process.nextTick(flushAll);
    }
  };
  const plain: StreamWriter = {
    get closed() {
      return closed || res.destroyed || res.writableEnded;
    },
    write(chunk, now = false) {
      if (closed || res.destroyed || res.writableEnded) return;
      if (turn !== null) {
        turn += chunk;
        return;
      }
      if (now && !blocked) {
        blocked = !put(chunk, onDrain);
        return;
      }
      queueTurn(chunk);
    },
    end(chunk = '') {
      if (closed || res.destroyed || res.writableEnded) return;
      closed = true;
      // The end leaves in the shared flush, with any frames queued this turn. Ending at once wrote it while the step
      // was still building every other stream's frames, and the client's next request, sent as soon as it saw the
      // end, then waited for that whole callback before its arrival was stamped.
      ending = chunk;
      if (turn === null) queueTurn('');
    },
  };
  const decorate = streamDecoratorOf(c);
  const writer = decorate ? decorate(plain, res, contentType, () => onDisconnect()) : plain;
  return { writer, response: RESPONSE_ALREADY_SENT };
}

/**
 * How a stream's data leaves: as one HTTP/1.1 chunk (`size CRLF data CRLF`) written to the socket in a single call.
 * `res.write` would cork the socket, queue the size, CRLF, data and CRLF as four writes and uncork them in a writev
 * on the next tick; per event that was most of the cost and most of the garbage of streaming. The bytes on the wire
 * are the same. Used only when the response owns the socket and is chunked (the usual case); otherwise (a pipelined
 * response still waiting for its turn, HTTP/1.0 without chunking) `res.write` does it. Returns false when the socket
 * is backed up; `onDrain` is then called once it empties.
 */
function chunkWriter(res: ServerResponse): (data: string, onDrain: () => void) => boolean {
  const socket = res.socket;
  if (!socket || !res.headersSent || !res.chunkedEncoding) {
    return (data, onDrain) => {
      const ok = res.write(data);
      if (!ok) res.once('drain', onDrain);
      return ok;
    };
  }
  return (data, onDrain) => {
    if (data.length === 0) return true;
    const ok = socket.write(`${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`);
    if (!ok) socket.once('drain', onDrain);
    return ok;
  };
}

let open = 0;

/** Streams currently open on this process (their handlers have returned, so the in-flight count misses them). */
export function openStreamCount(): number {
  return open;
}

/**
 * One shared flush writes every stream written during the turn, at most FLUSH_SLICE sockets at a time: between
 * slices the event loop reads the sockets (a step's burst of writes to a thousand streams takes milliseconds, and a
 * request arriving meanwhile would otherwise wait for all of it before its arrival is even seen).
 */
const FLUSH_SLICE = 24;
let endOfTurn: (() => void)[] = [];
let flushing = false;
/** Streams queued for a flush and streams flushed, since start: `afterFlush` waits on the difference. */
let queued = 0;
let written = 0;
/** Callbacks waiting for the streams queued before them (`until`) to be written, oldest first. */
const waiters: { until: number; fn: () => void }[] = [];
function flushAll(): void {
  const list = endOfTurn;
  const n = Math.min(list.length, FLUSH_SLICE);
  // The queue is settled before any write runs, so a throwing write cannot leave the other streams unflushed.
  endOfTurn = n < list.length ? list.slice(n) : [];
  if (endOfTurn.length > 0) setImmediate(flushAll);
  else flushing = false;
  written += n;
  for (let i = 0; i < n; i++) (list[i] as () => void)();
  while (waiters.length > 0 && (waiters[0] as { until: number }).until <= written) (waiters.shift() as { fn: () => void }).fn();
}

/**
 * Runs `fn` once every stream queued so far has been written (at once when none is waiting), even while later
 * frames keep arriving behind them.
 */
export function afterFlush(fn: () => void): void {
  if (queued === written) fn();
  else waiters.push({ until: queued, fn });
}

/** A promise for `afterFlush`, or null when nothing is waiting to be written (the common case costs no promise). */
export function whenFlushed(): Promise<void> | null {
  return queued === written ? null : new Promise((resolve) => afterFlush(resolve));
}

/** Calls `fn` once if the client disconnects before the response is finished (non-streaming requests). */
export function onClientGone(c: AppContext, fn: () => void): () => void {
  return onResponseClose(nodeResponse(c), fn);
}

function nodeResponse(c: AppContext): ServerResponse {
  const outgoing = c.env?.outgoing;
  if (!outgoing) throw new Error('streaming needs the @hono/node-server adapter');
  return outgoing;
}
