/** @module vLLM `POST /tokenize` and `POST /detokenize`: prepared by tokenize-prepare.ts (maybe on a worker), then answered. */
import { Hono } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import { prepareBody } from '../../pipeline/prepare.ts';
import { DETOKENIZE_JOB, detokenize, TOKENIZE_JOB, tokenize } from './tokenize-prepare.ts';
import type { AppEnv } from '../../http/request-env.ts';

const NOT_GENERATION = { generation: false } as const;

export function tokenizeRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/tokenize', async (c) => c.json((await prepareBody(c, ctx, TOKENIZE_JOB, tokenize, NOT_GENERATION)).answer));
  app.post('/detokenize', async (c) => c.json((await prepareBody(c, ctx, DETOKENIZE_JOB, detokenize, NOT_GENERATION)).answer));
  return app;
}
