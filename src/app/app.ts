/**
 * @module Builds the Hono app: mounts each dialect's routes (checked against the route table, routes.ts), the API-key
 * guard, one onError, one notFound (404/405 FastAPI-style).
 */
import { Hono, type Context } from 'hono';
import { createCors, applyCors } from '../http/cors.ts';
import { planningTurn } from '../http/planning-gate.ts';
import { setArrival, releaseHold } from '../http/json-body.ts';
import { setBodyLimit } from '../http/request-body.ts';
import { createFaultGate, FAULT_HEADER } from '../faults/middleware.ts';
import { setDataParallelRank, setExtraHeaders, extraHeadersOf } from '../http/request-scope.ts';
import { header } from '../http/headers.ts';
import { ClientGoneError } from '../http/client-gone.ts';
import type { AppEnv } from '../http/request-env.ts';
import { chooseRank, identityHeaders, unavailable } from '../serving/front-door.ts';
import { lifecycleRoute } from '../dialects/vllm/lifecycle.ts';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ROUTE_TABLE, indexRoutes, type RouteIndex, type RouteSpec } from '../http/routes.ts';
import type { ServerContext } from '../serving/context.ts';
import { ApiError, errors } from '../protocol/errors.ts';
import { errorResponse as renderApiError } from './error-envelope.ts';
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

export function createApp(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const safety = ctx.settings.safety;
  // With --disable-fault-header the fault header is not advertised to browsers either.
  const cors = createCors(ctx.settings.cors, safety.faultHeader ? [] : [FAULT_HEADER]);
  const routes = indexRoutes(ROUTE_TABLE);
  const guard = apiKeyGuard(ctx, routes);
  const faults = createFaultGate({
    injector: ctx.faults,
    after: (s, fn) => ctx.after(s, fn),
    elapsed: () => ctx.elapsed(),
    header: { enabled: safety.faultHeader, maxSeconds: safety.maxFaultHeaderSeconds },
    renderError: renderApiError,
  });
  // One front-door middleware, in this order: bookkeeping (arrival time on the engine's clock, body limit, in-flight
  // count for GET /load), CORS (preflights answered here; headers on every answer, errors included), the API key on
  // every route the table does not mark open, then fault injection on generation routes. One level instead of four: each middleware level is
  // a promise and a closure per request.
  app.use('*', async (c, next) => {
    setBodyLimit(c, ctx.settings.maxBodyBytes);
    ctx.inflight++;
    const headers = cors.headersFor(c);
    if (ctx.settings.identity) setExtraHeaders(c, identityHeaders(ctx, undefined) as Record<string, string>);
    try {
      setArrival(c, ctx.elapsed());
      const generation = routes.find(c.req.method, c.req.path)?.generation === true;
      // Generation requests start their work on a later turn, after queued stream chunks, about 1 ms of them per
      // turn (planning-gate.ts says why).
      if (generation) await planningTurn();
      const early = (headers && cors.preflight(c, headers)) ?? guard(c) ?? (generation ? (frontDoor(c) ?? (await faults(c))) : null);
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
  checkRouteTable(app, ctx.settings.enableSleepMode);
  app.notFound((c) => {
    const methods = routes.methodsAt(c.req.path).filter((m) => m !== 'HEAD');
    if (methods.length > 0 && !methods.includes(c.req.method)) return c.json({ detail: 'Method Not Allowed' }, 405, { allow: methods.join(', ') });
    return c.json({ detail: 'Not Found' }, 404);
  });
  app.onError((err, c) => renderError(err, c));
  return app;
}

export function renderError(err: unknown, c: Context): Response {
  // The client left (mid-upload, or while its request was prepared): nothing to say, and no one to say it to.
  if (err instanceof ClientGoneError) return new Response(null, { status: 499 });
  if (err instanceof ApiError) return renderApiError(c, err);
  process.stderr.write(`llmsim: internal error on ${c.req.method} ${c.req.path}: ${err instanceof Error ? err.message : String(err)}\n`);
  return renderApiError(c, errors.internal());
}

/**
 * `--api-key` as vLLM's middleware checks it (any of the keys, `Authorization: Bearer` with the scheme in any case,
 * sha256 digests compared in constant time, OPTIONS never checked, 401 `{"error":"Unauthorized"}`), but on every
 * route the table does not mark open, not only under /v1 (vLLM leaves /tokenize, /detokenize and its dev routes
 * open). Unknown paths are guarded too, so an unkeyed client cannot probe which routes exist. Anthropic routes also
 * take `x-api-key`, which the Anthropic SDKs send.
 */
function apiKeyGuard(ctx: ServerContext, routes: RouteIndex): (c: Context) => Response | null {
  const digests = ctx.settings.apiKeys.map(digest);
  return (c) => {
    if (digests.length === 0 || c.req.method === 'OPTIONS') return null;
    const spec = routes.find(c.req.method, c.req.path);
    // A wrong method on an open path (POST /health) gets its 405, as in vLLM, not a 401.
    if (spec ? spec.access === 'open' : routes.openAt(c.req.path)) return null;
    const match = /^bearer\s+(.+)$/i.exec((c.req.header('authorization') ?? '').trim());
    const anthropicKey = spec?.dialect === 'anthropic' ? c.req.header('x-api-key') : undefined;
    const given = digest(match?.[1] ?? anthropicKey ?? '');
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    return ok ? null : c.json({ error: 'Unauthorized' }, 401);
  };
}

/** Start-up check: the route modules registered exactly the table's routes (a route missing from it would skip its access decision). */
function checkRouteTable(app: Hono<AppEnv>, sleepMode: boolean): void {
  const key = (m: string, p: string): string => `${m} ${p}`;
  const registered = new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => key(r.method, r.path)));
  const expected = new Set(ROUTE_TABLE.filter((s: RouteSpec) => sleepMode || !s.sleepMode).map((s) => key(s.method, s.path)));
  const missing = [...registered].filter((k) => !expected.has(k));
  const extra = [...expected].filter((k) => !registered.has(k));
  if (missing.length > 0 || extra.length > 0)
    throw new Error(`route table out of date: not in routes.ts: [${missing.join(', ')}]; not registered: [${extra.join(', ')}]`);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
