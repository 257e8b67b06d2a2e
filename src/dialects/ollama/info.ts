/** @module Ollama model info and embeddings: `/api/tags`, `/api/show`, `/api/ps`, `/api/version`, `/api/embed`, `/api/embeddings`, and `GET|HEAD /`. */
import { Hono } from 'hono';
import type { ServerContext, ServedModel } from '../../serving/context.ts';
import { OllamaShowSchema } from '../../protocol/ollama.ts';
import { parseWith } from '../../protocol/fields.ts';
import { readJsonObject } from '../../http/json-body.ts';
import { EMBEDDING_DIMS } from '../../generate/embedding.ts';
import { prepareBody } from '../../pipeline/prepare.ts';
import { canonicalHash } from '../../generate/rng.ts';
import { supportsFim } from '../../pipeline/fim.ts';
import { resolveOllamaModel, ollamaName, createdAt, ns, OLLAMA_BODY } from './model.ts';
import { embedInputs, embedPrompt, OLLAMA_EMBED_JOB, OLLAMA_EMBEDDINGS_JOB } from './embed-prepare.ts';
import type { AppEnv } from '../../http/request-env.ts';
import type { ModelDetails } from './response-types.ts';

/** Embeddings are not generation requests (no queue, no abort count); Ollama reads the body whatever its type. */
const OLLAMA_EMBEDDING = { ...OLLAMA_BODY, generation: false } as const;

/** The Ollama release whose API shapes we follow. */
export const OLLAMA_VERSION = '0.12.6';

export function ollamaInfoRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const running = (c: { text: (t: string) => Response }): Response => c.text('Ollama is running');
  app.get('/', running);
  app.on('HEAD', '/', (c) => c.body(null, 200));
  app.get('/api/version', (c) => c.json({ version: OLLAMA_VERSION }));
  app.get('/api/tags', (c) =>
    c.json({
      models: entries(ctx).map(({ model, alias }) => ({
        name: ollamaName(alias),
        model: ollamaName(alias),
        modified_at: createdAt(ctx),
        size: size(model),
        digest: digest(alias),
        details: details(model),
      })),
    }),
  );
  app.get('/api/ps', (c) =>
    c.json({
      models: entries(ctx).map(({ model, alias }) => ({
        name: ollamaName(alias),
        model: ollamaName(alias),
        size: size(model),
        digest: digest(alias),
        details: details(model),
        expires_at: createdAt(ctx),
        size_vram: size(model),
        context_length: model.maxModelLen,
      })),
    }),
  );
  app.post('/api/show', async (c) => {
    const r = parseWith(OllamaShowSchema, await readJsonObject(c, OLLAMA_BODY));
    const name = r.model ?? r.name ?? '';
    const model = resolveOllamaModel(ctx, name);
    const capabilities = [
      'completion',
      'tools',
      ...(supportsFim(model.tokenizer) ? ['insert'] : []),
      ...(model.reasoningParser ? ['thinking'] : []),
      'embedding',
    ];
    return c.json({
      modelfile: `FROM ${model.root}\n`,
      parameters: 'temperature 0.7',
      template: '{{ .Prompt }}',
      details: details(model),
      model_info: {
        'general.architecture': 'llama',
        'general.basename': model.root,
        'llama.context_length': model.maxModelLen,
        'llama.embedding_length': EMBEDDING_DIMS,
      },
      capabilities,
      modified_at: createdAt(ctx),
    });
  });
  app.post('/api/embed', async (c) => {
    const started = ctx.elapsed();
    const e = await prepareBody(c, ctx, OLLAMA_EMBED_JOB, embedInputs, OLLAMA_EMBEDDING);
    return c.json({
      model: e.name,
      embeddings: e.embeddings,
      total_duration: ns(ctx.elapsed() - started),
      load_duration: 0,
      prompt_eval_count: e.promptTokens,
    });
  });
  app.post('/api/embeddings', async (c) =>
    c.json({ embedding: (await prepareBody(c, ctx, OLLAMA_EMBEDDINGS_JOB, embedPrompt, OLLAMA_EMBEDDING)).embeddings[0] }),
  );
  return app;
}

function entries(ctx: ServerContext): { model: ServedModel; alias: string }[] {
  return ctx.models.flatMap((model) => model.aliases.map((alias) => ({ model, alias })));
}

function details(model: ServedModel): ModelDetails {
  return {
    parent_model: '',
    format: 'gguf',
    family: 'llama',
    families: ['llama'],
    parameter_size: '8B',
    quantization_level: 'BF16',
    context_length: model.maxModelLen,
  };
}

function size(model: ServedModel): number {
  return model.tokenizer.vocabSize * 100_000;
}

function digest(alias: string): string {
  return canonicalHash(alias);
}
