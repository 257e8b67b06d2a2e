/** @module `GET /metrics`: Prometheus text exposition (0.0.4) of the engine metrics; `/metrics/` works too, as in vLLM. */
import { Hono } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import type { AppEnv } from '../../http/request-env.ts';

export function metricsRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const handler = async (): Promise<Response> =>
    new Response(await ctx.metrics.render(), { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } });
  app.get('/metrics', handler);
  app.get('/metrics/', handler);
  return app;
}
