/**
 * @module The one entry point routes call to prepare a generation request: body text → validated request → prompt
 * ids → plan, by the dialect's pure preparation function (`PrepareFn`). With a preparation pool (`--prepare-workers`
 * > 0) the job runs on a worker thread, which builds the same function table and the same served configuration from
 * plain data, so the result is byte-identical whichever thread ran it; without one it runs here (debugging, tests).
 *
 * A client that disconnects while its request waits for or runs in the pool cancels the job (AbortSignal): nothing
 * is submitted to the engine, the request counts as aborted (engine-run.ts `countAborted`), and the route answers 499.
 */
import type { PrepareEnv, ServerContext, ServedModel } from '../serving/context.ts';
import { checkJsonMediaType, parseJsonObject, releaseHold } from '../http/json-body.ts';
import { decodeBody, readBodyPayload, transferable, type BodyPayload } from '../http/request-body.ts';
import { ClientGoneError, departureSignal, requestGone } from '../http/client-gone.ts';
import { errors } from '../protocol/errors.ts';
import { countAborted } from './engine-run.ts';
import { decodeResult, encodeResult, NeedsContext, type PreparedShape, type Served, type WireResult } from './prepare-wire.ts';
import type { AppContext } from '../http/request-env.ts';

/**
 * A dialect's preparation: pure, reads only `env`, the parsed body and `given` (no engine, clock or request
 * context). `given` is what only the engine's thread has (a stored conversation): a preparation that needs it and
 * has none throws `NeedsContext(key)`, the route's `resolve(key)` looks it up there, and the job runs again with it.
 */
export type PrepareFn<T extends PreparedShape> = (env: PrepareEnv, body: Record<string, unknown>, given?: unknown) => T;

/** The preparations a worker can run, by job kind (dialects/prepare-jobs.ts builds it). */
export type PrepareTable = Readonly<Record<string, PrepareFn<PreparedShape>>>;

/** Runs one job from its text, as a worker does: parse, prepare, encode (errors included) as plain data. */
export function runJob(env: PrepareEnv, table: PrepareTable, kind: string, body: BodyPayload, given?: unknown): WireResult {
  const fn = table[kind];
  if (!fn) throw new Error(`no preparation for job kind '${kind}'`);
  return encodeResult(() => fn(env, parseJsonObject(textOf(body)), given));
}

export interface PrepareOptions {
  /** Looks up what a preparation asked for by `NeedsContext` (may throw the dialect's ApiError, e.g. 404). */
  readonly resolve?: (key: string) => unknown;
  /**
   * A generation request (default): refused at once while its model's waiting queue is full, and counted as aborted
   * when its client leaves. Tokenize, embeddings and counts are neither.
   */
  readonly generation?: boolean;
  /**
   * Refuse before preparing while the queue is full (default true for generation requests). Ollama's routes say
   * false: a body with nothing to generate is a model load, answered whatever the queue holds.
   */
  readonly refuseEarly?: boolean;
}

/**
 * Reads the body (vLLM's media-type guard unless `anyMediaType`: Ollama never checks it) and prepares it. A client
 * that leaves mid-upload is counted as aborted (generation requests) and answered 499, to no one.
 */
export async function prepareBody<T extends PreparedShape>(
  c: AppContext,
  ctx: ServerContext,
  kind: string,
  fn: PrepareFn<T>,
  o: PrepareOptions & { readonly anyMediaType?: boolean } = {},
): Promise<Served<T>> {
  if (!o.anyMediaType) checkJsonMediaType(c);
  let text: BodyPayload;
  try {
    text = await readBodyPayload(c);
  } catch (err) {
    if (err instanceof ClientGoneError) throw o.generation === false ? err : clientGone(c, ctx, null);
    throw err;
  }
  return prepare(c, ctx, kind, fn, text, o);
}

/**
 * Prepares the request in `c` (body already read as `text`). Throws the dialect's ApiError for an invalid request or
 * a broken preparation budget, and ClientGoneError when the client went away first.
 */
export async function prepare<T extends PreparedShape>(
  c: AppContext,
  ctx: ServerContext,
  kind: string,
  fn: PrepareFn<T>,
  text: BodyPayload,
  o: PrepareOptions = {},
): Promise<Served<T>> {
  const generation = o.generation !== false;
  // The model the body names, looked up only when needed (a queue check, a departed client's abort).
  let named: string | null | undefined = generation ? undefined : null;
  const nameOf = (): string | null => (named === undefined ? (named = modelNamed(text)) : named);
  const gone = (): Error => (generation ? countGone(c, ctx, nameOf()) : new ClientGoneError());
  // A client gone before its turn came (requests wait for the planning gate) costs no preparation at all.
  if (requestGone(c)) throw gone();
  // A full waiting queue refuses before any work (the route checks again once prepared: the queue moves meanwhile).
  if (generation && o.refuseEarly !== false && ctx.models.some((m) => m.maxWaiting !== null)) checkQueueRoom(ctx, nameOf());
  const preparer = ctx.preparer;
  // On this thread the served models are the live ones: nothing to decode.
  if (!preparer) return inline(ctx, fn, text, o) as unknown as Served<T>;
  const signal = departureSignal(c);
  // Steps of other requests may run meanwhile in real time (vLLM's engine core does not wait for its API server).
  if (preparer.releasesClockHold) releaseHold(c);
  try {
    // A large body's bytes move to the worker (transferred, so gone from here) unless a second run may need them.
    const moves = typeof text !== 'string' && !o.resolve;
    const body = moves ? transferable(text) : text;
    // Bytes that move whole are gone from this thread once handed over: their model is looked up first.
    if (moves && body === text) nameOf();
    let wire = (await preparer.run(ctx, moves ? { kind, body, transfer: true } : { kind, body }, signal)) as WireResult;
    if ('need' in wire && o.resolve) wire = (await preparer.run(ctx, { kind, body: text, given: o.resolve(wire.need) }, signal)) as WireResult;
    if (signal.aborted) throw gone();
    return decodeResult<T>(ctx, wire);
  } catch (err) {
    // Counted once: a ClientGoneError thrown above already counted its abort.
    if (signal.aborted && !(err instanceof ClientGoneError)) throw gone();
    throw err;
  } finally {
    signal.detach();
  }
}

function inline<T extends PreparedShape>(ctx: ServerContext, fn: PrepareFn<T>, text: BodyPayload, o: PrepareOptions): T {
  const body = parseJsonObject(textOf(text));
  try {
    return fn(ctx, body);
  } catch (err) {
    if (!(err instanceof NeedsContext) || !o.resolve) throw err;
    return fn(ctx, body, o.resolve(err.key));
  }
}

/** 429 when the model the body names (or the only model) has a full waiting queue (`--max-waiting`). */
function checkQueueRoom(ctx: ServerContext, named: string | null): void {
  const model = named === null ? (ctx.models.length === 1 ? ctx.models[0] : undefined) : servedNamed(ctx, named);
  if (model && model.maxWaiting !== null && model.engine.stats().waiting >= model.maxWaiting) throw errors.queueFull(model.maxWaiting);
}

/** The served model a name means (an alias, an Ollama `name:latest`, or a LoRA adapter). */
function servedNamed(ctx: ServerContext, named: string): ServedModel | undefined {
  const bare = named.endsWith(':latest') ? named.slice(0, -':latest'.length) : named;
  return ctx.models.find((m) => m.aliases.includes(named) || m.aliases.includes(bare) || m.loras.has(named));
}

/**
 * Counts a request whose client left before it reached the engine (mid-upload: `text` null) as aborted, on the model
 * its body names when that is cheap to see (a bounded look at both ends of the text), else the first model.
 */
export function clientGone(c: AppContext, ctx: ServerContext, text: BodyPayload | null): ClientGoneError {
  return countGone(c, ctx, text === null ? null : modelNamed(text));
}

function countGone(c: AppContext, ctx: ServerContext, named: string | null): ClientGoneError {
  const model = (named === null ? undefined : servedNamed(ctx, named)) ?? ctx.models[0];
  if (model) countAborted(c, model, '');
  return new ClientGoneError();
}

const MODEL_FIELD = /"model"\s*:\s*"([^"\\]{1,256})"/;

function modelNamed(body: BodyPayload): string | null {
  // A large body is looked at in its first and last 4 KiB only (a name cut at an edge is simply not seen).
  const text = typeof body === 'string' ? body : body.byteLength <= 8192 ? decodeBody(body) : null;
  if (text === null) {
    const bytes = body as Uint8Array;
    return matchModel(decodeBody(bytes.subarray(0, 4096))) ?? matchModel(decodeBody(bytes.subarray(bytes.byteLength - 4096)));
  }
  const hit = MODEL_FIELD.exec(text.length <= 8192 ? text : text.slice(0, 4096)) ?? (text.length > 8192 ? MODEL_FIELD.exec(text.slice(-4096)) : null);
  return hit ? (hit[1] as string) : null;
}

function matchModel(text: string): string | null {
  const hit = MODEL_FIELD.exec(text);
  return hit ? (hit[1] as string) : null;
}

const textOf = (body: BodyPayload): string => (typeof body === 'string' ? body : decodeBody(body));
