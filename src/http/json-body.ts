/**
 * @module Reads a JSON POST body the way vLLM's `validate_json_request` + FastAPI do: media-type guard, size limit (413),
 * decode errors, object check. The body is read straight from the Node request (building a WHATWG Request per call costs
 * more than the rest of a small request) and cached on the context for later readers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext, Arrival } from './request-env.ts';
import { ApiError, errors, validationError } from '../protocol/errors.ts';
import { header } from './headers.ts';
import { readBodyText } from './request-body.ts';
import { watchClose } from './client-gone.ts';
import { NO_HOLD, type HoldRelease } from '../clock/holds.ts';

const MEDIA_TYPE_MESSAGE = "Unsupported Media Type: Only 'application/json' is allowed";

/** The arrival stamped on the Node request by the server (before Hono makes a context for it). */
const STAMP = Symbol('llmsim.arrival');
type Stamped = IncomingMessage & { [STAMP]?: Arrival };

/** `x-llmsim-arrival: <seconds>`: a client driving virtual time states when (simulated seconds) its request arrives. */
export const ARRIVAL_HEADER = 'x-llmsim-arrival';

/** The clock as the front door needs it: the time, and holds (src/clock/holds.ts). */
export interface ArrivalClock {
  now(): number;
  hold(stamp: number): HoldRelease;
  earliestHold(): number;
}

/**
 * Stamps a Node request with its arrival (simulated seconds) the moment its headers are parsed, and takes a clock
 * hold: no step starts at or after the arrival, and virtual time does not pass it, until the request is submitted to
 * the engine (`submitArrival`), refused (`releaseHold`), or its response closes (client gone: nothing leaks).
 * A stated arrival ahead of the clock is kept (the request enters the engine then). One behind the clock is kept down
 * to the earliest open hold (no step has started since that hold's stamp, so the request can still join the steps
 * it would have joined: a client holding the clock with `POST /admin/clock/hold` replays arrivals exactly, in every
 * mode); earlier than that it is taken as the latest time that is still safe: the hold's stamp, or now.
 */
export function stampArrival(incoming: IncomingMessage, outgoing: ServerResponse, clock: ArrivalClock): void {
  const now = clock.now();
  const stated = statedArrival(incoming.headers[ARRIVAL_HEADER], Math.min(now, clock.earliestHold()));
  const time = typeof stated === 'number' ? stated : now;
  const release = clock.hold(time);
  watchClose(outgoing, release);
  const arrival: Arrival = typeof stated === 'string' ? { time, release, invalid: stated } : { time, release };
  (incoming as Stamped)[STAMP] = arrival;
}

/**
 * The server's stamp on the request. A cast, not a Binding: the stamp is a symbol property the server put on the Node
 * request before Hono saw it (`HttpBindings.incoming` is Node's type, which does not know it).
 */
function stampOf(c: AppContext): Arrival | undefined {
  return (c.env?.incoming as Stamped | undefined)?.[STAMP];
}

/** The stated arrival (at least `floor`), undefined without the header, or why it is invalid. */
function statedArrival(value: string | string[] | undefined, floor: number): number | string | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? (value[0] ?? '') : value;
  const seconds = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) return `invalid ${ARRIVAL_HEADER} header: expected simulated seconds (a finite number >= 0), got '${text}'`;
  return Math.max(seconds, floor);
}

/**
 * Records when the request arrived (simulated seconds): the server's stamp when there is one, else `fallback` (an app
 * driven without the Node server: no hold). Throws 400 for an invalid `x-llmsim-arrival`.
 */
export function setArrival(c: AppContext, fallback: number): void {
  const arrival = stampOf(c) ?? { time: fallback, release: NO_HOLD };
  c.set('arrival', arrival);
  if (arrival.invalid !== undefined) throw new ApiError(400, 'BadRequestError', arrival.invalid);
}

/** When the request arrived (simulated seconds); for reading only: the engine submit takes `submitArrival`. */
export function arrivalOf(c: AppContext): number | undefined {
  return c.get('arrival')?.time;
}

/** What the engine is told of a request's arrival (EngineRequest's fields of the same names). */
export interface SubmittedArrival {
  readonly arrivalTime: number | undefined;
  /** Its preparation outlived the clock hold's grace (real time): it enters the engine now, not at its planned time. */
  readonly late: boolean;
}

/**
 * The arrival to hand to the engine, releasing the request's clock hold: the request is prepared. Call it in the same
 * synchronous block as `engine.submit` (deferred steps are re-planned on a microtask, after the submit).
 */
export function submitArrival(c: AppContext): SubmittedArrival {
  const arrival = c.get('arrival');
  const late = arrival ? arrival.release() : false;
  return { arrivalTime: arrival?.time, late };
}

/** Releases the request's clock hold without submitting (refused, or waiting on simulated time: a fault's delay). */
export function releaseHold(c: AppContext): void {
  const arrival = c.get('arrival');
  if (arrival && !arrival.kept) arrival.release();
}

/**
 * Keeps the request's clock hold until its response closes (the client hangs up), not just until it is handled.
 * False when the request has no hold (an app driven without the Node server).
 */
export function keepHold(c: AppContext): boolean {
  const arrival = stampOf(c);
  if (!arrival) return false;
  arrival.kept = true;
  arrival.release.pin();
  return true;
}

/**
 * The request's JSON object body. `anyMediaType`: Ollama's server decodes the body whatever its Content-Type says
 * (its docs and clients send `curl -d`, i.e. `application/x-www-form-urlencoded`), so its routes skip vLLM's guard.
 */
export async function readJsonObject(c: AppContext, { anyMediaType = false }: { anyMediaType?: boolean } = {}): Promise<Record<string, unknown>> {
  if (!anyMediaType) checkJsonMediaType(c);
  return parseJsonObject(await readBodyText(c));
}

/** vLLM's media-type guard: only `application/json` bodies (any parameters) are accepted. */
export function checkJsonMediaType(c: AppContext): void {
  const contentType = (header(c, 'content-type') ?? '').toLowerCase();
  if (contentType.split(';', 1)[0]?.trim() !== 'application/json') {
    throw new ApiError(400, 'Bad Request', `1 validation error:\n  ${MEDIA_TYPE_MESSAGE} ["${MEDIA_TYPE_MESSAGE}"]`);
  }
}

/** Decodes a request body that must be a JSON object, with FastAPI's errors for anything else. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.length > COUNT_FROM_CHARS && tooManyContainers(text, MAX_JSON_CONTAINERS)) throw errors.jsonTooMany(MAX_JSON_CONTAINERS);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw validationError([{ kind: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error' }]);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationError([{ kind: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from' }]);
  }
  if (tooDeep(body, MAX_JSON_DEPTH)) throw errors.jsonTooDeep(MAX_JSON_DEPTH);
  return body as Record<string, unknown>;
}

/**
 * Most objects and arrays a body may hold. A 31 MiB body of empty objects (`{"prompt":[{},{},…]}`, ~10 M of them)
 * parses into more than a preparation worker's heap cap, and a worker torn down over its cap while the heap is that
 * full has aborted the whole process (FATAL ERROR; nodejs/node#47224) twice in two tries: counted before parsing,
 * it is a 400 in ~20 ms. A million is ten times the largest real request seen (a 100k-part message).
 */
export const MAX_JSON_CONTAINERS = 1_000_000;

/** Bodies shorter than this cannot hold MAX_JSON_CONTAINERS (each takes two characters at least): no scan. */
const COUNT_FROM_CHARS = 2 * MAX_JSON_CONTAINERS;

/**
 * True when `text` opens more than `limit` objects and arrays outside strings. Braces are first counted with
 * `indexOf` (fast, stops past the limit; a 30 MB prompt without braces costs a few ms); only when that count, which
 * includes braces inside strings, is over the limit does a character-by-character pass tell them apart.
 */
export function tooManyContainers(text: string, limit: number): boolean {
  if (occurrences(text, '{', limit) + occurrences(text, '[', limit) <= limit) return false;
  let n = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if ((c === 123 || c === 91) && ++n > limit) return true;
  }
  return false;
}

function occurrences(text: string, ch: string, limit: number): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1 && n <= limit; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * Deepest nesting of arrays and objects a body may have. JSON.parse itself copes with any depth, but every later walk
 * (schema validation, JSON-schema planning, tool parameters, chat-template kwargs, the prompt cache key) recurses: a
 * body nested 5,000 deep overflowed the stack (500) before this limit made it a 400. 128 levels is far above any real
 * request (JSON schemas in the wild nest well under 20).
 */
export const MAX_JSON_DEPTH = 128;

/** True when `root` nests deeper than `limit` (explicit stack, so the check itself cannot overflow). */
export function tooDeep(root: object, limit: number): boolean {
  const stack: unknown[] = [root];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    if (Array.isArray(node)) {
      for (const v of node) if (v !== null && typeof v === 'object') stack.push(v), depths.push(depth + 1);
    } else {
      for (const k in node) {
        const v = (node as Record<string, unknown>)[k];
        if (v !== null && typeof v === 'object') stack.push(v), depths.push(depth + 1);
      }
    }
  }
  return false;
}
