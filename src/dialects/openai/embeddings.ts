/** @module `POST /v1/embeddings`: prepared and serialised by embeddings-prepare.ts (maybe on a worker); `created` is added here. */
import { Hono } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import { prepareBody } from '../../pipeline/prepare.ts';
import { embed, EMBEDDINGS_JOB } from './embeddings-prepare.ts';
import type { AppEnv } from '../../http/request-env.ts';

export function embeddingsRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/v1/embeddings', async (c) => {
    const e = await prepareBody(c, ctx, EMBEDDINGS_JOB, embed, { generation: false });
    const usage = { prompt_tokens: e.promptTokens, total_tokens: e.promptTokens, completion_tokens: 0, prompt_tokens_details: null };
    const head = `{"id":${JSON.stringify(e.id)},"object":"list","created":${ctx.unixSeconds()},"model":${JSON.stringify(e.modelName)},"data":`;
    return c.body(`${head}${e.dataJson},"usage":${JSON.stringify(usage)}}`, 200, { 'content-type': 'application/json' });
  });
  return app;
}
