/**
 * @module The pure half of `POST /v1/embeddings`: validate, tokenize (text, texts, token ids or a chat), embed, and
 * serialise the `data` list (float or base64 little-endian float32; Matryoshka `dimensions`). The vectors are the
 * bulk of the answer, so they are written to JSON where they are computed, off the engine's thread.
 */
import { resolveModel, type PrepareEnv, type PrepModel } from '../../serving/context.ts';
import { EmbeddingRequestSchema, type EmbeddingRequest } from '../../protocol/embeddings.ts';
import { parseWith } from '../../protocol/fields.ts';
import { errors, valueError } from '../../protocol/errors.ts';
import { chatPromptIds } from '../../pipeline/prompt.ts';
import { EMBEDDING_DIMS, embedTokens, toBase64, truncateEmbedding } from '../../generate/embedding.ts';
import { canonicalHash } from '../../generate/rng.ts';

export const EMBEDDINGS_JOB = 'openai.embeddings';

export interface Embedded {
  readonly model: PrepModel;
  readonly id: string;
  /** Echoed `model`: the name the client asked for, or the first served name. */
  readonly modelName: string;
  /** The `data` list, as JSON. */
  readonly dataJson: string;
  readonly promptTokens: number;
}

export function embed(env: PrepareEnv, body: Record<string, unknown>): Embedded {
  const request = parseWith(EmbeddingRequestSchema, body);
  const model = resolveModel(env, request.model);
  const inputs = inputIdLists(model, request);
  const format = request.encoding_format ?? 'float';
  if (format === 'bytes' || format === 'bytes_only') throw errors.bytesEncoding(format);
  const dims = request.dimensions ?? EMBEDDING_DIMS;
  if (request.dimensions !== null && request.dimensions !== undefined) {
    if (request.dimensions < 1) throw errors.dimensionsTooSmall();
    if (request.dimensions > EMBEDDING_DIMS) throw errors.matryoshka(model.name);
  }
  let promptTokens = 0;
  const data = inputs.map((ids, index) => {
    if (ids.length > model.maxModelLen) throw errors.embeddingTooLong(model.maxModelLen, ids.length);
    promptTokens += ids.length;
    const full = embedTokens(
      ids.map((id) => model.tokenizer.tokenText(id)),
      EMBEDDING_DIMS,
    );
    const vector = dims === EMBEDDING_DIMS ? full : truncateEmbedding(full, dims);
    return { index, object: 'embedding', embedding: format === 'base64' ? toBase64(vector) : Array.from(vector) };
  });
  return { model, id: `embd-${canonicalHash(inputs).slice(0, 32)}`, modelName: request.model || model.name, dataJson: JSON.stringify(data), promptTokens };
}

function inputIdLists(model: PrepModel, r: EmbeddingRequest): number[][] {
  const add = r.add_special_tokens ?? true;
  let lists: number[][];
  if (r.messages) {
    lists = [chatPromptIds(model, r.messages, { addGenerationPrompt: false })];
  } else {
    const p = r.input;
    if (p === null || p === undefined || p === '' || (Array.isArray(p) && p.length === 0)) throw valueError('Input cannot be empty.');
    lists =
      typeof p === 'string'
        ? [model.tokenizer.encode(p, add)]
        : typeof p[0] === 'number'
          ? [p as number[]]
          : (p as (string | number[])[]).map((x) => (typeof x === 'string' ? model.tokenizer.encode(x, add) : x));
  }
  for (const ids of lists) for (const id of ids) if (id < 0 || id >= model.tokenizer.vocabSize) throw errors.tokenOutOfVocab(id, model.tokenizer.vocabSize);
  const t = r.truncate_prompt_tokens;
  if (t === null || t === undefined) return lists;
  if (t > model.maxModelLen) throw errors.truncateTooLarge();
  const keep = t === -1 ? model.maxModelLen : t;
  return lists.map((ids) => (ids.length > keep ? ids.slice(ids.length - keep) : ids));
}
