/** @module Builds the Hono app: mounts each dialect's routes, API-key guard on /v1, one onError, one notFound (404/405 FastAPI-style). */
import { Hono, type Context } from 'hono';
import { createCors, applyCors } from './cors.ts';
import { planningTurn } from './planning-gate.ts';
import { setBodyLimit, setArrival, releaseHold } from './json-body.ts';
import { createFaultGate } from '../faults/middleware.ts';
import { setDataParallelRank, setExtraHeaders, extraHeadersOf } from './request-scope.ts';
import { header } from './headers.ts';
import { chooseRank, identityHeaders, unavailable } from '../serving/front-door.ts';
import { lifecycleRoute } from '../dialects/vllm/lifecycle.ts';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerContext } from '../serving/context.ts';
import { ApiError, errors } from '../protocol/errors.ts';
import { chatCompletionsRoute } from '../dialects/openai/chat-completions.ts';
import { completionsRoute } from '../dialects/openai/completions.ts';
import { embeddingsRoute } from '../dialects/openai/embeddings.ts';
import { modelsRoute } from '../dialects/openai/models.ts';
import { tokenizeRoute } from '../dialects/vllm/tokenize.ts';
import { healthRoute } from '../dialects/vllm/health.ts';
import { loraRoute } from '../dialects/vllm/lora.ts';
import { adminRoute } from '../dialects/vllm/admin.ts';
import { clockHoldRoute } from '../dialects/vllm/clock-hold.ts';
import { metricsRoute } from '../dialects/vllm/metrics.ts';
import { ollamaGenerateRoute } from '../dialects/ollama/generate.ts';
import { ollamaInfoRoute } from '../dialects/ollama/info.ts';
import { responsesRoute } from '../dialects/responses/responses.ts';
import { anthropicRoute } from '../dialects/anthropic/messages.ts';

/** Paths served, with their methods: a known path with another method is a 405, like FastAPI. */
const ROUTES: readonly (readonly [string, readonly string[]])[] = [
  ['/v1/chat/completions', ['POST']],
  ['/v1/completions', ['POST']],
  ['/v1/embeddings', ['POST']],
  ['/v1/models', ['GET']],
  ['/tokenize', ['POST']],
  ['/detokenize', ['POST']],
  ['/health', ['GET']],
  ['/ping', ['GET', 'POST']],
  ['/version', ['GET']],
  ['/load', ['GET']],
  ['/v1/load_lora_adapter', ['POST']],
  ['/v1/unload_lora_adapter', ['POST']],
  ['/admin/config', ['GET']],
  ['/metrics', ['GET']],
  ['/v1/responses', ['POST']],
  ['/v1/messages', ['POST']],
  ['/v1/messages/count_tokens', ['POST']],
  ['/api/generate', ['POST']],
  ['/api/chat', ['POST']],
  ['/api/embed', ['POST']],
  ['/api/embeddings', ['POST']],
  ['/api/show', ['POST']],
  ['/api/tags', ['GET']],
  ['/api/ps', ['GET']],
  ['/api/version', ['GET']],
  ['/admin/reload', ['POST']],
  ['/admin/clock/hold', ['POST']],
  ['/sleep', ['POST']],
  ['/wake_up', ['POST']],
  ['/is_sleeping', ['GET']],
];

/** Requests that generate (or embed) go through fault injection. */
const GENERATION_PATHS = new Set(['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/v1/responses', '/v1/messages', '/api/generate', '/api/chat', '/api/embed', '/api/embeddings']);

export function createApp(ctx: ServerContext): Hono {
  const app = new Hono();
  const cors = createCors(ctx.settings.cors);
  const guard = apiKeyGuard(ctx);
  const faults = createFaultGate({ injector: ctx.faults, after: (s, fn) => ctx.after(s, fn), elapsed: () => ctx.elapsed() });
  // One front-door middleware, in this order: bookkeeping (arrival time on the engine's clock, body limit, in-flight
  // count for GET /load), CORS (preflights answered here; headers on every answer, errors included), the API key on
  // /v1 and /admin, then fault injection on generation routes. One level instead of four: each middleware level is
  // a promise and a closure per request.
  app.use('*', async (c, next) => {
    setBodyLimit(c, ctx.settings.maxBodyBytes);
    ctx.inflight++;
    const headers = cors.headersFor(c);
    if (ctx.settings.identity) setExtraHeaders(c, identityHeaders(ctx, undefined) as Record<string, string>);
    try {
      setArrival(c, ctx.elapsed());
      const generation = c.req.method === 'POST' && GENERATION_PATHS.has(c.req.path);
      // Generation requests start their work on a later turn, after queued stream chunks, about 1 ms of them per
      // turn (planning-gate.ts says why).
      if (generation) await planningTurn();
      const early = (headers && cors.preflight(c, headers)) ?? guard(c) ?? (generation ? frontDoor(c) ?? (await faults(c)) : null);
      if (early) c.res = early;
      else await next();
    } catch (err) {
      c.res = renderError(err, c);
    } finally {
      // Whatever happened, the request no longer holds the clock (a generation released it at its engine submit).
      releaseHold(c);
      ctx.inflight--;
    }
    if (headers) applyCors(c, headers);
    const extra = extraHeadersOf(c);
    if (extra) applyCors(c, extra);
  });
  // Generation requests: refused while loading or asleep; their data-parallel rank and identity headers are set.
  const frontDoor = (c: Context): Response | null => {
    const refused = unavailable(ctx);
    if (refused) throw refused;
    const rank = chooseRank(ctx, header(c, 'x-data-parallel-rank'));
    setDataParallelRank(c, rank);
    const identity = identityHeaders(ctx, rank);
    if (identity) setExtraHeaders(c, identity);
    return null;
  };
  app.route('/', chatCompletionsRoute(ctx));
  app.route('/', completionsRoute(ctx));
  app.route('/', embeddingsRoute(ctx));
  app.route('/', modelsRoute(ctx));
  app.route('/', tokenizeRoute(ctx));
  app.route('/', healthRoute(ctx));
  app.route('/', loraRoute(ctx));
  app.route('/', adminRoute(ctx));
  app.route('/', clockHoldRoute());
  app.route('/', metricsRoute(ctx));
  if (ctx.settings.enableSleepMode) app.route('/', lifecycleRoute(ctx));
  app.route('/', ollamaGenerateRoute(ctx));
  app.route('/', ollamaInfoRoute(ctx));
  app.route('/', responsesRoute(ctx));
  app.route('/', anthropicRoute(ctx));
  app.notFound((c) => {
    const known = ROUTES.find(([path]) => path === c.req.path) ?? (c.req.path.startsWith('/v1/models/') ? ['/v1/models/', ['GET']] as const : undefined);
    if (known && !known[1].includes(c.req.method)) return c.json({ detail: 'Method Not Allowed' }, 405, { allow: known[1].join(', ') });
    return c.json({ detail: 'Not Found' }, 404);
  });
  app.onError((err, c) => renderError(err, c));
  return app;
}

export function renderError(err: unknown, c: Context): Response {
  // Ollama's envelope is a bare string.
  if (err instanceof ApiError && c.req.path.startsWith('/api/')) return c.json({ error: err.message }, err.status as 400);
  // Anthropic's envelope (vLLM keeps its own error type names inside it).
  if (err instanceof ApiError && c.req.path.startsWith('/v1/messages')) return c.json({ type: 'error', error: { type: err.type, message: err.message } }, err.status as 400);
  if (err instanceof ApiError) return c.json(err.toBody(), err.status as 400);
  process.stderr.write(`llmsim: internal error on ${c.req.method} ${c.req.path}: ${err instanceof Error ? err.message : String(err)}\n`);
  return c.json(errors.internal().toBody(), 500);
}

/** vLLM's `--api-key` middleware: Bearer token on /v1/* (and /admin/*) only; OPTIONS never checked; constant-time compare. */
function apiKeyGuard(ctx: ServerContext): (c: Context) => Response | null {
  const digests = ctx.settings.apiKeys.map(digest);
  return (c) => {
    if (digests.length === 0 || c.req.method === 'OPTIONS') return null;
    const path = c.req.path;
    if (!(path === '/v1' || path.startsWith('/v1/') || path === '/admin' || path.startsWith('/admin/'))) return null;
    const header = c.req.header('authorization') ?? '';
    const match = /^bearer\s+(.+)$/i.exec(header.trim());
    // Anthropic clients send `x-api-key`; accepted on the Messages routes only.
    const anthropicKey = path.startsWith('/v1/messages') ? c.req.header('x-api-key') : undefined;
    const given = digest(match?.[1] ?? anthropicKey ?? '');
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    return ok ? null : c.json({ error: 'Unauthorized' }, 401);
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
