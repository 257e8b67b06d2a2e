/**
 * @module Reads a JSON POST body the way vLLM's `validate_json_request` + FastAPI do: media-type guard, size limit (413),
 * decode errors, object check. The body is read straight from the Node request (building a WHATWG Request per call costs
 * more than the rest of a small request) and cached on the context for later readers.
 */
import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { ApiError, errors, validationError } from '../protocol/errors.ts';
import { header } from './headers.ts';

const MEDIA_TYPE_MESSAGE = "Unsupported Media Type: Only 'application/json' is allowed";
const BODY_KEY = 'llmsim.body';
const LIMIT_KEY = 'llmsim.bodyLimit';

const ARRIVAL_KEY = 'llmsim.arrival';

const STAMP = Symbol('llmsim.arrival');

/** Stamps a Node request with its arrival (simulated seconds) the moment its headers are parsed. */
export function stampArrival(incoming: IncomingMessage, time: number): void {
  (incoming as IncomingMessage & { [STAMP]?: number })[STAMP] = time;
}

/** Records when the request arrived (simulated seconds): the server's stamp when there is one, else `fallback`. */
export function setArrival(c: Context, fallback: number): void {
  const incoming = (c.env as { incoming?: IncomingMessage & { [STAMP]?: number } } | undefined)?.incoming;
  c.set(ARRIVAL_KEY as never, (incoming?.[STAMP] ?? fallback) as never);
}

export function arrivalOf(c: Context): number | undefined {
  return c.get(ARRIVAL_KEY as never) as number | undefined;
}

/** Sets the body size limit for this request (the app does it once for every request). */
export function setBodyLimit(c: Context, bytes: number): void {
  c.set(LIMIT_KEY as never, bytes as never);
}

export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  checkJsonMediaType(c);
  return parseJsonObject(await readBodyText(c));
}

/** vLLM's media-type guard: only `application/json` bodies (any parameters) are accepted. */
export function checkJsonMediaType(c: Context): void {
  const contentType = (header(c, 'content-type') ?? '').toLowerCase();
  if (contentType.split(';', 1)[0]?.trim() !== 'application/json') {
    throw new ApiError(400, 'Bad Request', `1 validation error:\n  ${MEDIA_TYPE_MESSAGE} ["${MEDIA_TYPE_MESSAGE}"]`);
  }
}

/** Decodes a request body that must be a JSON object, with FastAPI's errors for anything else. */
export function parseJsonObject(text: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw validationError([{ kind: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error' }]);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationError([{ kind: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from' }]);
  }
  return body as Record<string, unknown>;
}

/** The raw body as text (read once per request), 413 when it exceeds the limit. */
export async function readBodyText(c: Context): Promise<string> {
  const cached = c.get(BODY_KEY as never) as string | undefined;
  if (cached !== undefined) return cached;
  const limit = (c.get(LIMIT_KEY as never) as number | undefined) ?? Infinity;
  const declared = Number(header(c, 'content-length') ?? NaN);
  if (declared > limit) throw errors.payloadTooLarge(limit);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const text = incoming ? await readIncoming(incoming, limit) : await c.req.text();
  if (Buffer.byteLength(text) > limit) throw errors.payloadTooLarge(limit);
  c.set(BODY_KEY as never, text as never);
  return text;
}

function readIncoming(incoming: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        incoming.removeAllListeners('data');
        incoming.resume();
        reject(errors.payloadTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    incoming.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    incoming.once('error', reject);
  });
}
