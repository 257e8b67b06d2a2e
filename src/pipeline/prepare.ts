/**
 * @module The one entry point routes call to prepare a generation request: body text → validated request → prompt
 * ids → plan, by the dialect's pure preparation function (`PrepareFn`). With a preparation pool (`--prepare-workers`
 * > 0) the job runs on a worker thread, which builds the same function table and the same served configuration from
 * plain data, so the result is byte-identical whichever thread ran it; without one it runs here (debugging, tests).
 *
 * A client that disconnects while its request waits for or runs in the pool cancels the job (AbortSignal): nothing
 * is submitted to the engine, the request counts as aborted (engine-run.ts `countAborted`), and the route answers 499.
 */
import type { Context } from 'hono';
import type { PrepareEnv, ServerContext } from '../serving/context.ts';
import { parseJsonObject, releaseHold } from '../http/json-body.ts';
import { ClientGoneError, onRequestGone, requestGone } from '../http/client-gone.ts';
import { countAborted } from './engine-run.ts';
import { decodeResult, encodeResult, type PreparedShape, type Served, type WireResult } from './prepare-wire.ts';

/** A dialect's preparation: pure, reads only `env` and the parsed body (no engine, clock or request context). */
export type PrepareFn<T extends PreparedShape> = (env: PrepareEnv, body: Record<string, unknown>) => T;

/** The preparations a worker can run, by job kind (dialects/prepare-jobs.ts builds it). */
export type PrepareTable = Readonly<Record<string, PrepareFn<PreparedShape>>>;

/** Runs one job from its text, as a worker does: parse, prepare, encode (errors included) as plain data. */
export function runJob(env: PrepareEnv, table: PrepareTable, kind: string, body: string): WireResult {
  const fn = table[kind];
  if (!fn) throw new Error(`no preparation for job kind '${kind}'`);
  return encodeResult(() => fn(env, parseJsonObject(body)));
}

/**
 * Prepares the request in `c` (body already read as `text`). Throws the dialect's ApiError for an invalid request or
 * a broken preparation budget, and ClientGoneError when the client went away first.
 */
export async function prepare<T extends PreparedShape>(c: Context, ctx: ServerContext, kind: string, fn: PrepareFn<T>, text: string): Promise<Served<T>> {
  const preparer = ctx.preparer;
  // A client gone before its turn came (requests wait for the planning gate) costs no preparation at all.
  if (requestGone(c)) throw clientGone(c, ctx, text);
  // On this thread the served models are the live ones: nothing to decode.
  if (!preparer) return fn(ctx, parseJsonObject(text)) as unknown as Served<T>;
  const abort = new AbortController();
  const detach = onRequestGone(c, () => abort.abort());
  // Steps of other requests may run meanwhile in real time (vLLM's engine core does not wait for its API server).
  if (preparer.releasesClockHold) releaseHold(c);
  try {
    const wire = (await preparer.run(ctx, { kind, body: text }, abort.signal)) as WireResult;
    if (abort.signal.aborted) throw clientGone(c, ctx, text);
    return decodeResult<T>(ctx, wire);
  } catch (err) {
    if (abort.signal.aborted) throw clientGone(c, ctx, text);
    throw err;
  } finally {
    detach();
  }
}

/**
 * Counts a request whose client left before it reached the engine (mid-upload: `text` null) as aborted, on the model
 * its body names when that is cheap to see (a bounded look at both ends of the text), else the first model.
 */
export function clientGone(c: Context, ctx: ServerContext, text: string | null): ClientGoneError {
  const named = text === null ? null : modelNamed(text);
  const model = ctx.models.find((m) => named !== null && (m.aliases.includes(named) || m.loras.has(named))) ?? ctx.models[0];
  if (model) countAborted(c, model, '');
  return new ClientGoneError();
}

const MODEL_FIELD = /"model"\s*:\s*"([^"\\]{1,256})"/;

function modelNamed(text: string): string | null {
  const hit = MODEL_FIELD.exec(text.length <= 8192 ? text : text.slice(0, 4096)) ?? (text.length > 8192 ? MODEL_FIELD.exec(text.slice(-4096)) : null);
  return hit ? (hit[1] as string) : null;
}
