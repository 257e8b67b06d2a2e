/**
 * @module Reads a request body once, as bytes: straight from the Node request (building a WHATWG Request per call
 * costs more than the rest of a small request), 413 past the limit, ClientGoneError for a client that leaves
 * mid-upload. A small body is decoded to text here (validation, the request memo and fault rules read it); a large
 * one (`LARGE_BODY_BYTES`) stays bytes and is handed to a preparation worker as they are, transferred, not copied:
 * decoding 10 MB to a string and cloning it into the worker cost the engine's thread ~20–30 ms a request. When the
 * length is declared, the bytes are copied into one buffer as they arrive, so no single 10 MB concatenation either.
 */
import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { errors } from '../protocol/errors.ts';
import { header } from './headers.ts';
import { ClientGoneError } from './client-gone.ts';

const TEXT_KEY = 'llmsim.body';
const BYTES_KEY = 'llmsim.bodyBytes';
const LIMIT_KEY = 'llmsim.bodyLimit';

/** Bodies longer than this are kept as bytes for a preparation worker to decode. */
export const LARGE_BODY_BYTES = 48 * 1024;

/** A body as a route hands it to preparation: text, or the undecoded UTF-8 bytes of a large one. */
export type BodyPayload = string | Uint8Array;

/** Sets the body size limit for this request (the app does it once for every request). */
export function setBodyLimit(c: Context, bytes: number): void {
  c.set(LIMIT_KEY as never, bytes as never);
}

/** The raw body as text (read once per request), 413 when it exceeds the limit. */
export async function readBodyText(c: Context): Promise<string> {
  const payload = await readBodyPayload(c);
  if (typeof payload === 'string') return payload;
  const text = decodeBody(payload);
  c.set(TEXT_KEY as never, text as never);
  return text;
}

/** The body as text when small or already decoded, else its bytes (not decoded on this thread). */
export async function readBodyPayload(c: Context): Promise<BodyPayload> {
  const text = c.get(TEXT_KEY as never) as string | undefined;
  if (text !== undefined) return text;
  const bytes = (c.get(BYTES_KEY as never) as Buffer | undefined) ?? (await readBytes(c));
  if (bytes.length > LARGE_BODY_BYTES) return bytes;
  const small = bytes.toString('utf8');
  c.set(TEXT_KEY as never, small as never);
  return small;
}

/** UTF-8 bytes → text (invalid sequences become U+FFFD, as a string read would have made them). */
export function decodeBody(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * The bytes a worker can take by transfer: a buffer that is the whole of its ArrayBuffer (else a copy of it, which
 * is still cheaper than a string's clone).
 */
export function transferable(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : Uint8Array.prototype.slice.call(bytes);
}

async function readBytes(c: Context): Promise<Buffer> {
  const limit = (c.get(LIMIT_KEY as never) as number | undefined) ?? Infinity;
  const declared = Number(header(c, 'content-length') ?? NaN);
  if (declared > limit) throw errors.payloadTooLarge(limit);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const bytes = incoming ? await readIncoming(incoming, limit, declared) : Buffer.from(await c.req.arrayBuffer());
  if (bytes.length > limit) throw errors.payloadTooLarge(limit);
  c.set(BYTES_KEY as never, bytes as never);
  return bytes;
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
