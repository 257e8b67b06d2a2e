/** @module llmsim administration: `GET /admin/config` (what is in force) and `POST /admin/reload` (re-read the scenario). */
import { Hono } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import { ApiError } from '../../protocol/errors.ts';
import type { AppEnv } from '../../http/request-env.ts';

export function adminRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/admin/config', (c) =>
    c.json({
      deployment: { ...ctx.deployment, apiKeys: ctx.deployment.apiKeys.map(() => '***') },
      models: ctx.models.map((m) => ({
        name: m.name,
        aliases: m.aliases,
        root: m.root,
        max_model_len: m.maxModelLen,
        loras: Object.fromEntries(m.loras),
        engine: m.engine.stats(),
      })),
      faults_injected: ctx.faults.counts(),
    }),
  );
  app.post('/admin/reload', (c) => {
    if (!ctx.reload) throw new ApiError(400, 'BadRequestError', 'the server was not started with --scenario, so there is nothing to reload');
    try {
      ctx.reload();
    } catch (err) {
      throw new ApiError(400, 'BadRequestError', `reload failed, the previous scenario stays in force: ${(err as Error).message}`);
    }
    return c.json({ status: 'reloaded', models: ctx.models.flatMap((m) => m.aliases) });
  });
  return app;
}
