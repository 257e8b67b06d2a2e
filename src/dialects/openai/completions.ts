/** @module `POST /v1/completions`: prepare (completion-prepare.ts, maybe on a worker), admission, engine, serialise. */
import { Hono, type Context } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import { RequestMemo, prepareWithMemo } from '../../pipeline/request-memo.ts';
import { responseId } from '../../pipeline/plan-prompt.ts';
import { checkAdmission, runToCompletion, type EngineRun } from '../../pipeline/engine-run.ts';
import { prepare } from '../../pipeline/prepare.ts';
import type { Served } from '../../pipeline/prepare-wire.ts';
import { completionChoice } from './completion-choice.ts';
import { streamCompletions } from './completions-stream.ts';
import { usageOf } from './usage.ts';
import { kvTransferOf, kvTransferResponse, NO_TRANSFER } from '../../pipeline/kv-transfer.ts';
import { COMPLETION_JOB, planCompletion, type PlannedCompletion, type PreparedCompletion } from './completion-prepare.ts';

export function completionsRoute(ctx: ServerContext): Hono {
  const app = new Hono();
  app.post('/v1/completions', async (c) => {
    const prepared = await prepareWithMemo(
      c,
      ctx,
      memo,
      async (text, headerId) => finishCompletion(ctx, await prepare(c, ctx, COMPLETION_JOB, planCompletion, text), headerId),
      (p, headerId) => again(ctx, p, headerId),
    );
    const run: EngineRun = {
      model: prepared.model,
      prompts: prepared.prompts,
      params: prepared.params,
      priority: prepared.request.priority ?? 0,
      cacheSalt: prepared.request.cache_salt,
      traceId: prepared.id,
    };
    if (prepared.request.stream) return streamCompletions(c, ctx, prepared, run);
    return respondCompletion(c, ctx, prepared, run);
  });
  return app;
}

const memo = new RequestMemo<PreparedCompletion>();

/** The engine's-thread half: admission (`--max-waiting`), P/D transfer times, the response id and `created`. */
function finishCompletion(ctx: ServerContext, p: Served<PlannedCompletion>, headerId: string | undefined): PreparedCompletion {
  checkAdmission(p.model);
  const transfers = p.prompts.map((planned) => kvTransferOf(p.model, p.ask, planned.promptIds.length));
  const prompts = p.prompts.map((planned, i) => {
    const seconds = transfers[i]?.remotePrefillSeconds;
    return seconds === undefined ? planned : { ...planned, remotePrefillSeconds: seconds };
  });
  return { ...p, prompts, transfer: transfers[0] ?? NO_TRANSFER, id: responseId('cmpl-', headerId, p.request.request_id), created: ctx.unixSeconds() };
}

/** Prepares a completion request on this thread (tests, tools): the same result as the route's. */
export function prepareCompletion(ctx: ServerContext, body: Record<string, unknown>, headerId: string | undefined): PreparedCompletion {
  return finishCompletion(ctx, planCompletion(ctx, body) as unknown as Served<PlannedCompletion>, headerId);
}

/** A memoized preparation for this request: its own id, `created` and admission check. */
function again(ctx: ServerContext, p: PreparedCompletion, headerId: string | undefined): PreparedCompletion {
  checkAdmission(p.model);
  return { ...p, id: responseId('cmpl-', headerId, p.request.request_id), created: ctx.unixSeconds() };
}

async function respondCompletion(c: Context, ctx: ServerContext, p: PreparedCompletion, run: EngineRun): Promise<Response> {
  const summaries = await runToCompletion(c, run);
  if (!summaries) return new Response(null, { status: 499 });
  const choices = p.prompts.flatMap((planned, pi) => planned.plans.map((_, j) => completionChoice(ctx, p, pi, j)));
  const promptTokens = p.prompts.reduce((s, x) => s + x.promptIds.length, 0);
  const completionTokens = p.prompts.reduce((s, x) => s + x.plans.reduce((t, plan) => t + plan.tokenCount, 0), 0);
  const cached = summaries.reduce((s, x) => s + x.cachedTokens, 0);
  return c.json({
    id: p.id,
    object: 'text_completion',
    created: p.created,
    model: p.modelName,
    choices,
    service_tier: null,
    system_fingerprint: null,
    usage: usageOf(ctx, promptTokens, completionTokens, cached, true),
    kv_transfer_params: kvTransferResponse(ctx, p.transfer, p.prompts[0]?.promptIds ?? []),
  });
}
