/** @module `POST /v1/chat/completions`: prepare (chat-prepare.ts, maybe on a worker), admission, engine, serialise. */
import { Hono, type Context } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import { RequestMemo, prepareWithMemo } from '../../pipeline/request-memo.ts';
import { responseId } from '../../pipeline/plan-prompt.ts';
import { checkAdmission, runToCompletion, singleRun, type EngineRun } from '../../pipeline/engine-run.ts';
import { prepare } from '../../pipeline/prepare.ts';
import type { Served } from '../../pipeline/prepare-wire.ts';
import { kvTransferOf } from '../../pipeline/kv-transfer.ts';
import { chatResponseJson } from './chat-response.ts';
import { CHAT_JOB, planChat, type PlannedChat, type PreparedChat } from './chat-prepare.ts';
import { streamChat } from './chat-stream.ts';

export function chatCompletionsRoute(ctx: ServerContext): Hono {
  const app = new Hono();
  app.post('/v1/chat/completions', async (c) => {
    const prepared = await prepareWithMemo(
      c,
      ctx,
      memo,
      async (text, headerId) => finishChat(ctx, await prepare(c, ctx, CHAT_JOB, planChat, text), headerId),
      (p, headerId) => again(ctx, p, headerId),
    );
    const run = singleRun(prepared, prepared.id, prepared.request.priority ?? 0, prepared.request.cache_salt);
    if (prepared.request.stream) return streamChat(c, ctx, prepared, run);
    return respondChat(c, ctx, prepared, run);
  });
  return app;
}

const memo = new RequestMemo<PreparedChat>();

/** The engine's-thread half: admission (`--max-waiting`), the P/D transfer time, the response id and `created`. */
function finishChat(ctx: ServerContext, p: Served<PlannedChat>, headerId: string | undefined): PreparedChat {
  checkAdmission(p.model);
  const transfer = kvTransferOf(p.model, p.ask, p.planned.promptIds.length);
  const planned = transfer.remotePrefillSeconds === undefined ? p.planned : { ...p.planned, remotePrefillSeconds: transfer.remotePrefillSeconds };
  return { ...p, planned, transfer, id: responseId('chatcmpl-', headerId, p.request.request_id), created: ctx.unixSeconds() };
}

/** Prepares a chat request on this thread (tests, tools): the same result as the route's. */
export function prepareChat(ctx: ServerContext, body: Record<string, unknown>, headerId: string | undefined): PreparedChat {
  return finishChat(ctx, planChat(ctx, body) as unknown as Served<PlannedChat>, headerId);
}

/** A memoized preparation for this request: its own id, `created` and admission check. */
function again(ctx: ServerContext, p: PreparedChat, headerId: string | undefined): PreparedChat {
  checkAdmission(p.model);
  return { ...p, id: responseId('chatcmpl-', headerId, p.request.request_id), created: ctx.unixSeconds() };
}

async function respondChat(c: Context, ctx: ServerContext, p: PreparedChat, run: EngineRun): Promise<Response> {
  const summaries = await runToCompletion(c, run);
  if (!summaries) return new Response(null, { status: 499 });
  return c.body(chatResponseJson(ctx, p, summaries[0]?.cachedTokens ?? 0), 200, JSON_HEADERS);
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;
