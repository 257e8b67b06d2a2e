/**
 * @module The pure half of vLLM `POST /tokenize` (prompt, or chat messages with the template applied) and
 * `POST /detokenize`: runs in a preparation worker or on the engine's thread with the same result.
 */
import { resolveModel, type PrepareEnv, type PrepModel } from '../../serving/context.ts';
import { TokenizeRequestSchema, DetokenizeRequestSchema } from '../../protocol/tokenize.ts';
import { parseWith } from '../../protocol/fields.ts';
import { errors, valueError } from '../../protocol/errors.ts';
import { chatPromptIds } from '../../pipeline/prompt.ts';
import { requestTemplate } from '../../scenario/safety.ts';

export const TOKENIZE_JOB = 'vllm.tokenize';
export const DETOKENIZE_JOB = 'vllm.detokenize';

export interface Tokenized {
  readonly model: PrepModel;
  /** The response body as vLLM answers it. */
  readonly answer: { readonly count: number; readonly max_model_len: number; readonly tokens: number[]; readonly token_strs: string[] | null };
}

export interface Detokenized {
  readonly model: PrepModel;
  readonly answer: { readonly prompt: string };
}

export function tokenize(env: PrepareEnv, body: Record<string, unknown>): Tokenized {
  const r = parseWith(TokenizeRequestSchema, body);
  if (r.continue_final_message && r.add_generation_prompt) throw valueError('Cannot set both `continue_final_message` and `add_generation_prompt` to True.');
  const model = resolveModel(env, r.model);
  let tokens: number[];
  if (r.messages) {
    const options = {
      addGenerationPrompt: r.add_generation_prompt ?? true,
      continueFinalMessage: r.continue_final_message ?? false,
      // As sent (key order and all), as the chat route renders them; the schema has checked them.
      tools: r.tools ? (body['tools'] as readonly unknown[]) : null,
      ...requestTemplate(env.settings.safety, r.chat_template, r.chat_template_kwargs),
      kwargs: r.chat_template_kwargs ?? null,
    };
    tokens = chatPromptIds(model, r.messages, options, r.add_special_tokens ?? false);
  } else {
    tokens = model.tokenizer.encode(r.prompt ?? '', r.add_special_tokens ?? true);
  }
  const token_strs = r.return_token_strs ? tokens.map((id) => model.tokenizer.tokenString(id)) : null;
  return { model, answer: { count: tokens.length, max_model_len: model.maxModelLen, tokens, token_strs } };
}

export function detokenize(env: PrepareEnv, body: Record<string, unknown>): Detokenized {
  const r = parseWith(DetokenizeRequestSchema, body);
  const model = resolveModel(env, r.model);
  for (const id of r.tokens) if (id < 0 || id >= model.tokenizer.vocabSize) throw errors.tokenOutOfVocab(id, model.tokenizer.vocabSize);
  return { model, answer: { prompt: model.tokenizer.decode(r.tokens, false) } };
}
