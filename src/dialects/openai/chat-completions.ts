/** @module `POST /v1/chat/completions`: prepare (chat-prepare.ts, maybe on a worker; prepared-route.ts), run, serialise. */
import { Hono } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import { singleRun } from '../../pipeline/engine-run.ts';
import { kvTransferOf } from '../../pipeline/kv-transfer.ts';
import { chatResponseJson } from './chat-response.ts';
import { CHAT_JOB, planChat, type PreparedChat } from './chat-prepare.ts';
import { streamChat } from './chat-stream.ts';
import { definePreparation, respondWhenDone } from './prepared-route.ts';
import type { AppEnv } from '../../http/request-env.ts';

/** The P/D transfer time, once per preparation: it needs the live model. */
const chat = definePreparation({
  job: CHAT_JOB,
  plan: planChat,
  idPrefix: 'chatcmpl-',
  finish: (p) => {
    const transfer = kvTransferOf(p.model, p.ask, p.planned.promptIds.length);
    const planned = transfer.remotePrefillSeconds === undefined ? p.planned : { ...p.planned, remotePrefillSeconds: transfer.remotePrefillSeconds };
    // Not `{ ...p, planned, transfer }`: a key a spread did not copy (transfer) is added by V8's slow path (prepared-route.ts).
    return Object.assign({}, p, { planned, transfer });
  },
});

export function chatCompletionsRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/v1/chat/completions', async (c) => {
    const p: PreparedChat = await chat.prepare(c, ctx);
    const run = singleRun(p, p.id, p.request.priority ?? 0, p.request.cache_salt);
    if (p.request.stream) return streamChat(c, ctx, p, run);
    return respondWhenDone(c, run, (s) => c.body(chatResponseJson(ctx, p, s[0]?.cachedTokens ?? 0), 200, JSON_HEADERS));
  });
  return app;
}

/** Prepares a chat request on this thread (tests, tools): the same result as the route's. */
export const prepareChat = (ctx: ServerContext, body: Record<string, unknown>, headerId: string | undefined): PreparedChat =>
  chat.prepareHere(ctx, body, headerId);

const JSON_HEADERS = { 'content-type': 'application/json' } as const;
