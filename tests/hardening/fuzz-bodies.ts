/**
 * @module Hostile request bodies for tests/hardening/fuzz-dialects.test.ts: per route a valid baseline, and fast-check
 * arbitraries that swap its fields for wrong types, lax numeric strings, well-typed extremes (huge counts, odd
 * schemas, regexes, stop lists), deep nesting, huge strings, lone surrogates; random JSON; truncated JSON; arrays for
 * objects; invalid UTF-8; empty bodies; other content types.
 */
import fc from 'fast-check';
import type { Dialect } from '../../src/http/routes.ts';
import { PLAUSIBLE, RAW_VALUES, deep, value } from './fuzz-values.ts';

export const MODEL = 'Qwen/Qwen3-8B';
const user = [{ role: 'user', content: 'hi' }];

/** A valid request per POST route: the fuzzer mutates these, so hostile values reach past the required-field checks. */
export const BASELINES: Readonly<Record<string, Record<string, unknown>>> = {
  '/v1/chat/completions': { model: MODEL, messages: user, max_tokens: 4 },
  '/v1/completions': { model: MODEL, prompt: 'hi', max_tokens: 4 },
  '/v1/embeddings': { model: MODEL, input: 'hi' },
  '/v1/responses': { model: MODEL, input: 'hi', max_output_tokens: 4 },
  '/v1/messages': { model: MODEL, max_tokens: 4, messages: user },
  '/v1/messages/count_tokens': { model: MODEL, messages: user },
  '/v1/load_lora_adapter': { lora_name: 'fuzz', lora_path: '/fuzz' },
  '/v1/unload_lora_adapter': { lora_name: 'fuzz' },
  '/tokenize': { model: MODEL, prompt: 'hi' },
  '/detokenize': { model: MODEL, tokens: [1, 2, 3] },
  '/ping': {},
  '/admin/reload': {},
  '/admin/clock/hold': {},
  '/sleep': {},
  '/wake_up': {},
  '/api/generate': { model: MODEL, prompt: 'hi', stream: false, options: { num_predict: 4 } },
  '/api/chat': { model: MODEL, messages: user, stream: false, options: { num_predict: 4 } },
  '/api/embed': { model: MODEL, input: 'hi' },
  '/api/embeddings': { model: MODEL, prompt: 'hi' },
  '/api/show': { model: MODEL },
};

/** Fields worth swapping, per dialect, beyond the baseline's own (fuzz.test.ts swaps the OpenAI ones too). */
export const FIELDS: Readonly<Record<Dialect, readonly string[]>> = {
  openai: [
    'n',
    'temperature',
    'top_p',
    'top_k',
    'stop',
    'stream',
    'stream_options',
    'logprobs',
    'top_logprobs',
    'seed',
    'tools',
    'tool_choice',
    'response_format',
    'structured_outputs',
    'encoding_format',
    'dimensions',
    'echo',
    'suffix',
    'min_tokens',
    'logit_bias',
    'prompt_logprobs',
    'chat_template',
    'chat_template_kwargs',
    'priority',
    'max_completion_tokens',
    'add_special_tokens',
    'truncate_prompt_tokens',
    'user',
    'kv_transfer_params',
    'stop_token_ids',
    'allowed_token_ids',
    'bad_words',
    'ignore_eos',
    'best_of',
    'continue_final_message',
    'add_generation_prompt',
    'reasoning_effort',
    'parallel_tool_calls',
    'guided_json',
    'guided_regex',
    'guided_choice',
  ],
  vllm: [
    'messages',
    'prompt',
    'tokens',
    'add_special_tokens',
    'add_generation_prompt',
    'continue_final_message',
    'return_token_strs',
    'chat_template',
    'chat_template_kwargs',
    'tools',
    'lora_name',
    'lora_path',
    'model',
  ],
  responses: [
    'instructions',
    'tools',
    'tool_choice',
    'temperature',
    'top_p',
    'stream',
    'store',
    'previous_response_id',
    'text',
    'reasoning',
    'include',
    'truncation',
    'parallel_tool_calls',
    'max_tool_calls',
    'metadata',
    'background',
    'service_tier',
    'user',
    'prompt',
    'top_logprobs',
  ],
  anthropic: [
    'system',
    'stop_sequences',
    'stream',
    'temperature',
    'top_p',
    'top_k',
    'tools',
    'tool_choice',
    'thinking',
    'metadata',
    'service_tier',
    'output_config',
    'chat_template_kwargs',
  ],
  ollama: [
    'model',
    'name',
    'prompt',
    'messages',
    'system',
    'template',
    'suffix',
    'format',
    'options',
    'stream',
    'raw',
    'keep_alive',
    'think',
    'images',
    'tools',
    'input',
    'truncate',
    'dimensions',
    'context',
    'verbose',
  ],
  llmsim: ['scenario', 'path'],
};

/** A JSON text with `raw` spliced in for the value of `key`. */
const splice = (body: Record<string, unknown>, key: string, raw: string): string => JSON.stringify({ ...body, [key]: '@@RAW@@' }).replace('"@@RAW@@"', raw);

export interface Sent {
  readonly contentType: string | null;
  readonly body: string | Uint8Array;
}

/** Hostile bodies for `path`, a route of `dialect`. */
export function hostileBodies(path: string, dialect: Dialect): fc.Arbitrary<Sent> {
  const base = BASELINES[path] ?? {};
  const keys = [...new Set([...Object.keys(base), ...FIELDS[dialect], 'messages', 'model'])];
  const fieldValue = (k: string): fc.Arbitrary<unknown> =>
    PLAUSIBLE[k] ? fc.oneof({ weight: 2, arbitrary: PLAUSIBLE[k] }, { weight: 1, arbitrary: value }) : value;
  const mutated = fc
    .uniqueArray(fc.constantFrom(...keys), { minLength: 1, maxLength: 4 })
    .chain((ks) => fc.tuple(...ks.map((k) => fieldValue(k).map((v) => [k, v] as const))))
    .map((pairs) => ({ ...base, ...Object.fromEntries(pairs) }));
  // Only well-typed edge values: these pass the schema and reach templates, planning, generation and streaming.
  const typedKeys = keys.filter((k) => PLAUSIBLE[k] !== undefined);
  const typed = fc
    .uniqueArray(fc.constantFrom(...typedKeys), { minLength: 1, maxLength: 3 })
    .chain((ks) => fc.tuple(...ks.map((k) => (PLAUSIBLE[k] as fc.Arbitrary<unknown>).map((v) => [k, v] as const))))
    .map((pairs) => ({ ...base, ...Object.fromEntries(pairs) }));
  const json = fc.oneof(
    { weight: 6, arbitrary: mutated.map((b) => JSON.stringify(b)) },
    { weight: typedKeys.length > 0 ? 6 : 0, arbitrary: typedKeys.length > 0 ? typed.map((b) => JSON.stringify(b)) : fc.constant('{}') },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...RAW_VALUES)).map(([k, raw]) => splice(base, k, raw)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: fc.tuple(mutated, fc.nat()).map(([b, n]) => {
        const t = JSON.stringify(b);
        return t.slice(0, n % t.length);
      }),
    },
    { weight: 1, arbitrary: mutated.map((b) => JSON.stringify([b])) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'null',
        '{',
        '}',
        '[]',
        '"x"',
        '1',
        '{"model":',
        '\u0000',
        deep(10_000, '{"a":', '}'),
        deep(10_000, '[', ']'),
        '{"a":'.repeat(50_000),
      ),
    },
  );
  const invalidUtf8 = fc.tuple(fc.constantFrom(...keys), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([k, bad]) => {
    const [head, tail] = JSON.stringify({ ...base, [k]: '@' }).split('@') as [string, string];
    return Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0xc0, 0xed, 0xa0, 0x80, ...bad]), Buffer.from(tail)]);
  });
  const contentType = fc.oneof(
    { weight: 8, arbitrary: fc.constant('application/json') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        null,
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        'Application/JSON',
        'multipart/form-data; boundary=x',
        'application/jsonx',
        '',
      ),
    },
  );
  return fc.record({ contentType, body: fc.oneof({ weight: 9, arbitrary: json }, { weight: 1, arbitrary: invalidUtf8 }) });
}
