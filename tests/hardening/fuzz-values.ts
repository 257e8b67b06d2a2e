/**
 * @module Value arbitraries for the all-route fuzzer (fuzz-bodies.ts): random JSON values with lax numeric strings,
 * raw JSON texts (deep nesting, huge strings, lone surrogates, out-of-range numbers), and per field well-typed values
 * at the edges (huge counts, odd schemas and regexes, message and tool lists) that pass the schema and reach planning.
 */
import fc from 'fast-check';

const MODEL = 'Qwen/Qwen3-8B';

export const deep = (depth: number, open: string, close: string, leaf = '1'): string => open.repeat(depth) + leaf + close.repeat(depth);
/**
 * JSON text spliced in where a value goes (JSON.stringify itself overflows at these depths). The huge strings are 1 MB
 * of words and 100 KB of one word: a 1 MB single word costs the BPE encoder ~3 s of CPU (reported, not fixed here),
 * which would make the per-request deadline flaky.
 */
export const RAW_VALUES = [
  deep(10_000, '{"a":', '}'),
  deep(10_000, '[', ']'),
  deep(129, '[', ']'),
  `"${'lorem ipsum '.repeat(90_000)}"`,
  `"${'x'.repeat(100_000)}"`,
  `"${'\\ud800'.repeat(1000)}"`,
  '"\\udfff\\ud800x"',
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
];

const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  // Numbers as strings and yes/no words: vLLM's lax mode coerces some (tests/openai/lax-coercion.test.ts).
  fc.constantFrom('10', '0.5', '4.0', '-1', ' 4 ', '1e3', 'NaN', 'Infinity', 'true', 'yes', 'off', '0x10', ''),
  fc.constantFrom(0, -1, -2, 2 ** 31, 2 ** 53 + 1, -(2 ** 53), 1e308, 5e-324, 0.5, 100_000, 1e9),
);
export const value = fc.letrec((tie) => ({
  v: fc.oneof({ maxDepth: 4 }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 10 }), tie('v'), { maxKeys: 4 })),
})).v;

const count = fc.oneof(fc.constantFrom(0, 1, 2, 5, 20, 21, 100, 128, 4096, 40_960, 1e6, 2 ** 31, -1, -2), fc.integer({ min: -3, max: 64 }));
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', '\u0000', '<|im_start|>', '<|endoftext|>', '<think>', '</think>', '<|fim_prefix|>', '{"a":', 'x'.repeat(20_000), '\ud800', 'def '),
);
const schema = fc.oneof(
  fc.constantFrom(
    {},
    { type: 'object' },
    { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
    { type: 'array', items: { type: 'integer' }, minItems: 1000 },
    { type: 'string', pattern: '(a*)*b' },
    { type: 'string', minLength: 100_000 },
    { $ref: '#/$defs/x', $defs: { x: { $ref: '#/$defs/x' } } },
    { anyOf: [] },
    { enum: [] },
    { type: 'integer', minimum: 5, maximum: 1 },
    { type: 'number', multipleOf: 0 },
  ),
  value,
);
const toolList = fc.array(
  fc.record(
    {
      type: fc.constant('function'),
      function: fc.record({ name: fc.oneof(text, fc.constant('f')), parameters: schema, description: text }, { requiredKeys: ['name'] }),
      name: text,
      input_schema: schema,
      parameters: schema,
    },
    { requiredKeys: ['type'] },
  ),
  { maxLength: 3 },
);
const part = fc.record(
  {
    type: fc.constantFrom('text', 'image_url', 'input_text', 'image', 'tool_use', 'tool_result', 'thinking', 'refusal', 'x'),
    text: text,
    image_url: fc.record({ url: text }),
    id: text,
    name: text,
    input: value,
    content: fc.oneof(text, value),
    tool_use_id: text,
    thinking: text,
  },
  { requiredKeys: ['type'] },
);
const messages = fc.array(
  fc.record(
    {
      role: fc.constantFrom('user', 'assistant', 'system', 'tool', 'developer', 'ctx', 'x'),
      content: fc.oneof(text, fc.array(part, { maxLength: 3 }), fc.constant(null)),
      tool_calls: fc.array(
        fc.record({ id: text, type: fc.constant('function'), function: fc.record({ name: text, arguments: fc.oneof(text, fc.constant('{"a":1}')) }) }),
        { maxLength: 2 },
      ),
      tool_call_id: text,
      name: text,
    },
    { requiredKeys: ['role'] },
  ),
  { maxLength: 4 },
);
/** Well-typed values at the edges (they pass the schema and reach planning, templates and generation). */
export const PLAUSIBLE: Readonly<Record<string, fc.Arbitrary<unknown>>> = {
  messages,
  system: fc.oneof(text, fc.array(part, { maxLength: 2 })),
  prompt: fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.array(count, { maxLength: 5 }), fc.constant([[]]), fc.constant([])),
  input: fc.oneof(
    text,
    fc.array(text, { maxLength: 3 }),
    fc.array(count, { maxLength: 4 }),
    fc.constant([]),
    fc.array(
      fc.record(
        {
          type: fc.constantFrom('message', 'function_call', 'function_call_output', 'reasoning', 'x'),
          role: fc.constantFrom('user', 'assistant', 'system', 'developer'),
          content: fc.oneof(text, fc.array(part, { maxLength: 2 })),
          call_id: text,
          output: text,
          arguments: text,
          name: text,
        },
        { requiredKeys: ['type'] },
      ),
      { maxLength: 3 },
    ),
  ),
  tokens: fc.oneof(
    fc.array(count, { maxLength: 6 }),
    fc.constant([]),
    fc.constant([151643, 151644, 151645, 151646]),
    fc.constant([-1]),
    fc.constant([999_999_999]),
  ),
  max_tokens: count,
  max_completion_tokens: count,
  max_output_tokens: count,
  n: count,
  best_of: count,
  min_tokens: count,
  logprobs: fc.oneof(count, fc.boolean()),
  top_logprobs: count,
  prompt_logprobs: count,
  top_k: count,
  seed: count,
  priority: count,
  dimensions: count,
  truncate_prompt_tokens: count,
  max_tool_calls: count,
  temperature: fc.constantFrom(0, 1e-9, 0.7, 2, 100, -1, 1e308),
  top_p: fc.constantFrom(0, 1e-9, 0.5, 1, 1.5),
  stream: fc.boolean(),
  echo: fc.boolean(),
  store: fc.boolean(),
  raw: fc.boolean(),
  think: fc.oneof(fc.boolean(), fc.constantFrom('high', 'low', 'x')),
  stop: fc.oneof(text, fc.array(text, { maxLength: 5 })),
  stop_sequences: fc.array(text, { maxLength: 5 }),
  stop_token_ids: fc.array(count, { maxLength: 3 }),
  allowed_token_ids: fc.array(count, { maxLength: 3 }),
  bad_words: fc.array(text, { maxLength: 3 }),
  logit_bias: fc.dictionary(fc.oneof(fc.constantFrom('0', '-1', '151643', '999999999', 'x'), fc.nat().map(String)), fc.constantFrom(-100, 100, 1e9, 0)),
  tools: toolList,
  tool_choice: fc.oneof(
    fc.constantFrom('auto', 'none', 'required', 'any', 'x'),
    fc.record(
      { type: fc.constantFrom('function', 'tool', 'any', 'auto', 'none'), name: text, function: fc.record({ name: text }) },
      { requiredKeys: ['type'] },
    ),
  ),
  response_format: fc.record(
    {
      type: fc.constantFrom('json_object', 'json_schema', 'text', 'structural_tag', 'x'),
      json_schema: fc.record({ name: text, schema, strict: fc.boolean() }, { requiredKeys: [] }),
    },
    { requiredKeys: ['type'] },
  ),
  structured_outputs: fc.record(
    {
      json: schema,
      regex: fc.constantFrom('(a*)*b', '[', '.*', 'a{100000}', '\\d{3}'),
      choice: fc.array(text, { maxLength: 3 }),
      grammar: fc.constantFrom('root ::= "a"', 'x', ''),
      json_object: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  format: fc.oneof(fc.constantFrom('json', '', 'x'), schema),
  text: fc.record({
    format: fc.record(
      { type: fc.constantFrom('json_schema', 'json_object', 'text', 'x'), name: text, schema, strict: fc.boolean() },
      { requiredKeys: ['type'] },
    ),
  }),
  options: fc.record(
    { num_predict: count, num_ctx: count, temperature: fc.double(), top_k: count, top_p: fc.double(), seed: count, stop: fc.array(text, { maxLength: 3 }) },
    { requiredKeys: [] },
  ),
  thinking: fc.record({ type: fc.constantFrom('enabled', 'disabled', 'x'), budget_tokens: count }, { requiredKeys: [] }),
  reasoning: fc.record({ effort: fc.constantFrom('low', 'medium', 'high', 'x'), summary: fc.constantFrom('auto', 'x') }, { requiredKeys: [] }),
  chat_template: fc.constantFrom(
    '{{ messages }}',
    '{% for m in messages %}{{ m.content }}{% endfor %}',
    '{{',
    '{% for i in range(100000000) %}x{% endfor %}',
    '',
  ),
  chat_template_kwargs: fc.record({ enable_thinking: fc.boolean(), tools: value, add_generation_prompt: value }, { requiredKeys: [] }),
  suffix: text,
  instructions: text,
  template: text,
  model: fc.constantFrom(MODEL, `${MODEL}:latest`, '', 'nope', 'Qwen/Qwen3-8B:x'),
  name: fc.constantFrom(MODEL, ''),
  previous_response_id: fc.constantFrom('resp_x', 'x', ''),
  stream_options: fc.record({ include_usage: fc.boolean(), continuous_usage_stats: fc.boolean() }, { requiredKeys: [] }),
  encoding_format: fc.constantFrom('float', 'base64', 'bytes', 'bytes_only', 'x'),
  lora_name: text,
  lora_path: text,
};
