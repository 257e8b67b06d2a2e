/**
 * @module The pure half of Ollama `POST /api/embed` (one or many inputs, `dimensions`) and the older
 * `POST /api/embeddings` (one prompt): tokenize and embed, off the engine's thread when a pool runs.
 */
import type { PrepareEnv, PrepModel } from '../../serving/context.ts';
import { OllamaEmbedSchema } from '../../protocol/ollama.ts';
import { parseWith } from '../../protocol/fields.ts';
import { ApiError } from '../../protocol/errors.ts';
import { EMBEDDING_DIMS, embedTokens, truncateEmbedding } from '../../generate/embedding.ts';
import { resolveOllamaModel } from './model.ts';

export const OLLAMA_EMBED_JOB = 'ollama.embed';
export const OLLAMA_EMBEDDINGS_JOB = 'ollama.embeddings';

export interface OllamaEmbedded {
  readonly model: PrepModel;
  readonly name: string;
  readonly embeddings: number[][];
  readonly promptTokens: number;
}

export function embedInputs(env: PrepareEnv, body: Record<string, unknown>): OllamaEmbedded {
  const r = parseWith(OllamaEmbedSchema, body);
  const model = resolveOllamaModel(env, r.model);
  const inputs = r.input === undefined || r.input === null ? [] : typeof r.input === 'string' ? [r.input] : r.input;
  if (inputs.length === 0) throw new ApiError(400, 'BadRequestError', 'input is required');
  // Ollama refuses a negative size (0 or absent: the model's full width).
  if (r.dimensions !== null && r.dimensions !== undefined && r.dimensions < 0)
    throw new ApiError(400, 'BadRequestError', 'dimensions must be a non-negative number');
  let promptTokens = 0;
  const embeddings = inputs.map((text) => {
    const ids = model.tokenizer.encode(text);
    promptTokens += ids.length;
    const full = embedTokens(
      ids.map((id) => model.tokenizer.tokenText(id)),
      EMBEDDING_DIMS,
    );
    return Array.from(r.dimensions ? truncateEmbedding(full, Math.min(r.dimensions, EMBEDDING_DIMS)) : full);
  });
  return { model, name: r.model, embeddings, promptTokens };
}

export function embedPrompt(env: PrepareEnv, body: Record<string, unknown>): OllamaEmbedded {
  const r = parseWith(OllamaEmbedSchema, body);
  const model = resolveOllamaModel(env, r.model);
  const ids = model.tokenizer.encode(r.prompt ?? '');
  return {
    model,
    name: r.model,
    embeddings: [
      Array.from(
        embedTokens(
          ids.map((id) => model.tokenizer.tokenText(id)),
          EMBEDDING_DIMS,
        ),
      ),
    ],
    promptTokens: ids.length,
  };
}
