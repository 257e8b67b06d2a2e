/** @module Liveness and info probes: `/health` and `/ping` (200, empty body; 503 while loading), `/version`, `/load`. */
import { Hono } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import { openStreamCount } from '../../http/sse-writer.ts';
import type { AppEnv } from '../../http/request-env.ts';

export function healthRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const empty = (): Response => new Response(null, { status: 200, headers: { 'content-length': '0' } });
  // 503 until the simulated model load is over (--model-load-seconds): a readiness probe waits, as for a real pod.
  app.get('/health', () => (ctx.elapsed() < ctx.lifecycle.readyAt ? new Response(null, { status: 503, headers: { 'content-length': '0' } }) : empty()));
  app.get('/ping', empty);
  app.post('/ping', empty);
  app.get('/version', (c) => c.json({ version: ctx.settings.version }));
  // vLLM only counts with --enable-server-load-tracking; we always count requests being served (this one excluded),
  // streams included until they end.
  app.get('/load', (c) => c.json({ server_load: Math.max(0, ctx.inflight - 1) + openStreamCount() }));
  return app;
}
