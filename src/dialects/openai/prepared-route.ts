/**
 * @module The engine's-thread half the OpenAI generation routes share. A preparation (run on a worker or inline,
 * memoized per body for non-streamed requests) is finished once (the route's P/D transfer), and every request, fresh
 * or memoized, then gets its own admission check (`--max-waiting`), response id and `created`. A non-streamed run is
 * answered when it ends, or with a 499 to no one when its client left.
 */
import type { PrepareEnv, ServerContext } from '../../serving/context.ts';
import type { RequestSummary } from '../../engine/types.ts';
import { RequestMemo, prepareWithMemo } from '../../pipeline/request-memo.ts';
import { responseId } from '../../pipeline/plan-prompt.ts';
import { checkAdmission, runToCompletion, type EngineRun } from '../../pipeline/engine-run.ts';
import { prepare } from '../../pipeline/prepare.ts';
import type { PreparedShape, Served } from '../../pipeline/prepare-wire.ts';
import type { SamplingParams } from '../../protocol/sampling.ts';
import type { AppContext } from '../../http/request-env.ts';

/** What the shared half reads of a planned OpenAI request. */
interface PlannedOpenAI extends PreparedShape {
  readonly request: { readonly request_id?: string | null; readonly stream?: boolean | null };
  readonly params: Pick<SamplingParams, 'logprobs'>;
}

/** A request's own stamp, redone for every request. */
export interface Stamped {
  readonly id: string;
  readonly created: number;
}

export interface PreparationSpec<P extends PlannedOpenAI, F> {
  /** The preparation job (dialects/prepare-jobs.ts) and its function. */
  readonly job: string;
  readonly plan: (env: PrepareEnv, body: Record<string, unknown>) => P;
  readonly idPrefix: string;
  /** Once per preparation, on the engine's thread (it needs the live model): the P/D transfer. */
  readonly finish: (p: Served<P>) => F;
}

export interface Preparation<T> {
  /** Reads the body and prepares it (or reuses an identical body's preparation) as this request's own. */
  readonly prepare: (c: AppContext, ctx: ServerContext) => Promise<T>;
  /** The same on this thread, from a parsed body (tests, tools). */
  readonly prepareHere: (ctx: ServerContext, body: Record<string, unknown>, headerId: string | undefined) => T;
}

export function definePreparation<P extends PlannedOpenAI, F extends Served<P>>(spec: PreparationSpec<P, F>): Preparation<F & Stamped> {
  const memo = new RequestMemo<F & Stamped>();
  // Object.assign, not `{ ...p, id, created }`: V8 adds keys a spread did not copy by a slow path (~1.7 µs per
  // request for these two; a spread that only overwrites copied keys is as fast as the copy).
  const stamp = (ctx: ServerContext, p: F, headerId: string | undefined): F & Stamped =>
    Object.assign({}, p, { id: responseId(spec.idPrefix, headerId, p.request.request_id), created: ctx.unixSeconds() });
  // Admission first, fresh or memoized: a full queue refuses before anything else is computed.
  const fresh = (ctx: ServerContext, p: Served<P>, headerId: string | undefined): F & Stamped => {
    checkAdmission(p.model);
    return stamp(ctx, spec.finish(p), headerId);
  };
  const again = (ctx: ServerContext, p: F & Stamped, headerId: string | undefined): F & Stamped => {
    checkAdmission(p.model);
    return stamp(ctx, p, headerId);
  };
  return {
    prepare: (c, ctx) =>
      prepareWithMemo(
        c,
        ctx,
        memo,
        async (text, headerId) => fresh(ctx, await prepare(c, ctx, spec.job, spec.plan, text), headerId),
        (p, headerId) => again(ctx, p, headerId),
      ),
    prepareHere: (ctx, body, headerId) => fresh(ctx, spec.plan(ctx, body) as unknown as Served<P>, headerId),
  };
}

/** Runs a non-streamed request to its end and answers with `render`; a client that left gets a 499 (to no one). */
export async function respondWhenDone(c: AppContext, run: EngineRun, render: (summaries: RequestSummary[]) => Response): Promise<Response> {
  const summaries = await runToCompletion(c, run);
  if (!summaries) return new Response(null, { status: 499 });
  return render(summaries);
}
