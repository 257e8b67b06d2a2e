/**
 * @module vLLM's sleep-mode routes (`--enable-sleep-mode`): `POST /sleep?level=1|2` (weights offloaded and the KV cache
 * discarded: the prefix cache is reset, an AllBlocksCleared event), `POST /wake_up`, `GET /is_sleeping`. While asleep,
 * generation requests get a 503 at the front door; requests already running finish.
 */
import { Hono } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import { ApiError } from '../../protocol/errors.ts';
import type { AppEnv } from '../../http/request-env.ts';

export function lifecycleRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const empty = (): Response => new Response(null, { status: 200, headers: { 'content-length': '0' } });
  app.post('/sleep', (c) => {
    const raw = c.req.query('level') ?? '1';
    const level = Number(raw);
    if (level !== 1 && level !== 2) throw new ApiError(400, 'BadRequestError', `sleep level must be 1 or 2, got '${raw}'`);
    ctx.lifecycle.sleepLevel = level;
    // vLLM resets the prefix cache before sleeping; with requests still running their blocks stay until they finish.
    for (const m of ctx.models) m.engine.resetPrefixCache?.();
    return empty();
  });
  app.post('/wake_up', () => {
    ctx.lifecycle.sleepLevel = 0;
    return empty();
  });
  app.get('/is_sleeping', (c) => c.json({ is_sleeping: ctx.lifecycle.sleepLevel > 0 }));
  return app;
}
