/** @module `GET /v1/models` and `GET /v1/models/{id}`: one card per served name, with vLLM's `root`, `parent`, `max_model_len`, `permission`. */
import { Hono } from 'hono';
import type { ServerContext, ServedModel } from '../../serving/context.ts';
import { errors } from '../../protocol/errors.ts';
import { canonicalHash } from '../../generate/rng.ts';

export function modelsRoute(ctx: ServerContext): Hono {
  const app = new Hono();
  const cards = (): Record<string, unknown>[] => ctx.models.flatMap((m) => m.aliases.map((alias) => modelCard(ctx, m, alias)));
  app.get('/v1/models', (c) => c.json({ object: 'list', data: cards() }));
  app.get('/v1/models/:id{.+}', (c) => {
    const id = c.req.param('id');
    const card = cards().find((x) => x['id'] === id);
    if (!card) throw errors.modelNotFound(id);
    return c.json(card);
  });
  return app;
}

function modelCard(ctx: ServerContext, model: ServedModel, alias: string): Record<string, unknown> {
  const created = ctx.unixSeconds();
  return {
    id: alias,
    object: 'model',
    created,
    owned_by: 'vllm',
    root: model.root,
    parent: null,
    max_model_len: model.maxModelLen,
    permission: [
      {
        id: `modelperm-${canonicalHash(alias).slice(0, 32)}`,
        object: 'model_permission',
        created,
        allow_create_engine: false,
        allow_sampling: true,
        allow_logprobs: true,
        allow_search_indices: false,
        allow_view: true,
        allow_fine_tuning: false,
        organization: '*',
        group: null,
        is_blocking: false,
      },
    ],
  };
}
