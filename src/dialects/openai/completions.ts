/** @module `POST /v1/completions`: prepare (completion-prepare.ts, maybe on a worker; prepared-route.ts), run, serialise. */
import { Hono } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import type { RequestSummary } from '../../engine/types.ts';
import type { EngineRun } from '../../pipeline/engine-run.ts';
import { kvTransferOf, kvTransferResponse, NO_TRANSFER } from '../../pipeline/kv-transfer.ts';
import { completionChoice } from './completion-choice.ts';
import { streamCompletions } from './completions-stream.ts';
import { usageOf } from './usage.ts';
import { COMPLETION_JOB, planCompletion, type PreparedCompletion } from './completion-prepare.ts';
import { definePreparation, respondWhenDone } from './prepared-route.ts';
import type { AppEnv } from '../../http/request-env.ts';
import type { Completion } from './response-types.ts';
import { stringifyWithRaw } from '../../protocol/raw-json.ts';

/** P/D transfer times per prompt, once per preparation: they need the live model. */
const completion = definePreparation({
  job: COMPLETION_JOB,
  plan: planCompletion,
  idPrefix: 'cmpl-',
  finish: (p) => {
    const transfers = p.prompts.map((planned) => kvTransferOf(p.model, p.ask, planned.promptIds.length));
    const prompts = p.prompts.map((planned, i) => {
      const seconds = transfers[i]?.remotePrefillSeconds;
      return seconds === undefined ? planned : { ...planned, remotePrefillSeconds: seconds };
    });
    // Not `{ ...p, prompts, transfer }`: a key a spread did not copy (transfer) is added by V8's slow path (prepared-route.ts).
    return Object.assign({}, p, { prompts, transfer: transfers[0] ?? NO_TRANSFER });
  },
});

export function completionsRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/v1/completions', async (c) => {
    const p: PreparedCompletion = await completion.prepare(c, ctx);
    const run: EngineRun = {
      model: p.model,
      prompts: p.prompts,
      params: p.params,
      priority: p.request.priority ?? 0,
      cacheSalt: p.request.cache_salt,
      traceId: p.id,
    };
    if (p.request.stream) return streamCompletions(c, ctx, p, run);
    // Prompt logprobs arrive rendered: spliced in, not re-encoded (protocol/raw-json.ts).
    return respondWhenDone(c, run, (s) => c.body(stringifyWithRaw(completionBody(ctx, p, s)), 200, { 'Content-Type': 'application/json' }));
  });
  return app;
}

function completionBody(ctx: ServerContext, p: PreparedCompletion, summaries: readonly RequestSummary[]): Completion {
  const choices = p.prompts.flatMap((planned, pi) => planned.plans.map((_, j) => completionChoice(p, pi, j)));
  const promptTokens = p.prompts.reduce((s, x) => s + x.promptIds.length, 0);
  const completionTokens = p.prompts.reduce((s, x) => s + x.plans.reduce((t, plan) => t + plan.tokenCount, 0), 0);
  const cached = summaries.reduce((s, x) => s + x.cachedTokens, 0);
  return {
    id: p.id,
    object: 'text_completion',
    created: p.created,
    model: p.modelName,
    choices,
    service_tier: null,
    system_fingerprint: null,
    usage: usageOf(ctx, promptTokens, completionTokens, cached, true),
    kv_transfer_params: kvTransferResponse(ctx, p.transfer, p.prompts[0]?.promptIds ?? []),
  };
}
