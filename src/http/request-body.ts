/**
 * @module Reads a request body once, as bytes: straight from the Node request (building a WHATWG Request per call
 * costs more than the rest of a small request), 413 past the limit, ClientGoneError for a client that leaves
 * mid-upload. The bytes are what a generation route hands to preparation (`readBodyPayload`): a preparation worker
 * decodes them, and they move to it by transfer, not by a string's clone. Decoding on the engine's thread cost
 * ~40 µs for a 1k-token body of random-token text (multi-byte UTF-8 becomes a two-byte string) and cloning that
 * string into the worker as much again; for 10 MB, ~20–30 ms. Code that reads the body here (validation of small
 * control requests, fault rules by model) decodes it once (`readBodyText`). When the length is declared, a large
 * body is copied into one buffer as it arrives, so no single 10 MB concatenation either.
 */
import type { IncomingMessage } from 'node:http';
import type { AppContext } from './request-env.ts';
import { errors } from '../protocol/errors.ts';
import { header } from './headers.ts';
import { ClientGoneError } from './client-gone.ts';

/** Bodies longer than this are read into one buffer of their declared length as they arrive. */
export const LARGE_BODY_BYTES = 48 * 1024;

/** A body as a route hands it to preparation: its undecoded UTF-8 bytes, or its text when it was decoded already. */
export type BodyPayload = string | Uint8Array;

/** Sets the body size limit for this request (the app does it once for every request). */
export function setBodyLimit(c: AppContext, bytes: number): void {
  c.set('bodyLimit', bytes);
}

/** The raw body as text (read once per request), 413 when it exceeds the limit. */
export async function readBodyText(c: AppContext): Promise<string> {
  const payload = await readBodyPayload(c);
  if (typeof payload === 'string') return payload;
  const text = decodeBody(payload);
  c.set('bodyText', text);
  return text;
}

/** The body's text when something decoded it already, else its bytes (not decoded on this thread). */
export async function readBodyPayload(c: AppContext): Promise<BodyPayload> {
  const text = c.get('bodyText');
  if (text !== undefined) return text;
  return c.get('bodyBytes') ?? (await readBytes(c));
}

/** UTF-8 bytes → text (invalid sequences become U+FFFD, as a string read would have made them). */
export function decodeBody(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * The bytes a worker can take by transfer: a large buffer that is the whole of its ArrayBuffer as it is (then gone
 * from this thread), anything else cloned (still cheaper than a string's clone). A small body keeps its bytes here,
 * so the model it names is read only if it is needed (a departed client's abort): copying 5 KB costs ~1 µs,
 * decoding it ~40.
 */
export function transferable(bytes: Uint8Array): Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  if (whole && bytes.byteLength > LARGE_BODY_BYTES) return bytes;
  // Cloning a view clones its whole buffer: a body that is most of its buffer (the socket read that brought it,
  // headers before it) goes as a new view of it, cloned as it is, which saves this thread a copy; a view into a
  // larger buffer (Node's pooled slabs, a big read) is copied out first. A small body that is its whole buffer is
  // copied too: the pool moves a whole buffer (prepare-pool.ts), and these bytes must stay here.
  const partial = !whole && bytes.buffer.byteLength - bytes.byteLength <= VIEW_SLACK_BYTES;
  return partial ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Uint8Array.prototype.slice.call(bytes);
}

/** Bytes of its buffer a view may leave out and still be cloned as it is (a request's headers fit easily). */
const VIEW_SLACK_BYTES = 2048;

async function readBytes(c: AppContext): Promise<Buffer> {
  const limit = c.get('bodyLimit') ?? Infinity;
  const declared = Number(header(c, 'content-length') ?? NaN);
  if (declared > limit) throw errors.payloadTooLarge(limit);
  const incoming = c.env?.incoming;
  const bytes = incoming ? (buffered(incoming, declared) ?? (await readIncoming(incoming, limit, declared))) : Buffer.from(await c.req.arrayBuffer());
  if (bytes.length > limit) throw errors.payloadTooLarge(limit);
  c.set('bodyBytes', bytes);
  return bytes;
}

/**
 * A small body that has arrived whole (usually with its headers, before the request's turn came), taken from the
 * request's buffer at once: no listeners, no flowing mode, no promise. Null when it has not all arrived, or is large
 * (read as it arrives into one buffer of its own, `readIncoming`).
 */
function buffered(incoming: IncomingMessage, declared: number): Buffer | null {
  if (!incoming.complete || incoming.destroyed || incoming.readableEnded || incoming.readableFlowing !== null) return null;
  if (!(declared <= LARGE_BODY_BYTES) || incoming.readableLength > LARGE_BODY_BYTES) return null;
  return (incoming.read() as Buffer | null) ?? Buffer.alloc(0);
}

function readIncoming(incoming: IncomingMessage, limit: number, declared: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (incoming.destroyed && !incoming.readableEnded) return reject(new ClientGoneError());
    // A declared large body is copied into place chunk by chunk (Node's parser holds the client to its length).
    const whole = Number.isSafeInteger(declared) && declared > LARGE_BODY_BYTES ? Buffer.allocUnsafeSlow(declared) : null;
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      if (size + chunk.length > limit) {
        incoming.removeAllListeners('data');
        incoming.resume();
        reject(errors.payloadTooLarge(limit));
        return;
      }
      if (whole && size + chunk.length <= whole.length) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
    });
    let ended = false;
    incoming.once('end', () => {
      ended = true;
      if (whole && chunks.length === 0) resolve(size === whole.length ? whole : whole.subarray(0, size));
      else if (whole) resolve(Buffer.concat([whole.subarray(0, size - chunks.reduce((n, b) => n + b.length, 0)), ...chunks]));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    // A socket error before the end of the body ('aborted', ECONNRESET) is the client leaving too.
    incoming.once('error', (err) => reject(ended ? err : new ClientGoneError()));
    // A client that leaves mid-upload: without this the read never settled and the request stayed in flight (/load).
    incoming.once('close', () => {
      if (!ended) reject(new ClientGoneError());
    });
  });
}
