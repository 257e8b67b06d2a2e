/** @module `GET /v1/models` and `GET /v1/models/{id}`: one card per served name, with vLLM's `root`, `parent`, `max_model_len`, `permission`. */
import { Hono } from 'hono';
import type { ServerContext, ServedModel } from '../../serving/context.ts';
import { errors } from '../../protocol/errors.ts';
import { canonicalHash } from '../../generate/rng.ts';
import type { AppEnv } from '../../http/request-env.ts';
import type { Model, ModelList } from './response-types.ts';

export function modelsRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const cards = (): Model[] =>
    ctx.models.flatMap((m) => [...m.aliases.map((alias) => modelCard(ctx, m, alias)), ...[...m.loras].map(([name, path]) => loraCard(ctx, m, name, path))]);
  app.get('/v1/models', (c) => c.json({ object: 'list', data: cards() } satisfies ModelList));
  app.get('/v1/models/:id{.+}', (c) => {
    const id = c.req.param('id');
    const card = cards().find((x) => x.id === id);
    if (!card) throw errors.modelNotFound(id);
    return c.json(card);
  });
  return app;
}

/** vLLM lists a LoRA adapter as its own card: root = adapter path, parent = base model name, no max_model_len. */
function loraCard(ctx: ServerContext, model: ServedModel, name: string, path: string): Model {
  return { ...modelCard(ctx, model, name), root: path, parent: model.name, max_model_len: null };
}

function modelCard(ctx: ServerContext, model: ServedModel, alias: string): Model {
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
