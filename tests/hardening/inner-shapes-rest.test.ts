/**
 * @module The inner shapes that were still dictionaries after inner-shapes.test.ts: `structured_outputs` and the
 * legacy guided_* fields (vLLM 0.11's `StructuredOutputsParams` and request fields), sent through the openai SDK as
 * extra body fields, and Ollama's `tools` and `format` (Ollama's Go types), sent through the ollama client: each
 * malformed shape is the exact error its server gives, with its status, in the dialect's envelope.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { Ollama } from 'ollama';
import { AUTO_TOOLS, startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let openai: OpenAI;
let ollama: Ollama;
beforeAll(async () => {
  sim = await startTestServer({ ...AUTO_TOOLS, apiKeys: [] });
  openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  ollama = new Ollama({ host: sim.url });
});
afterAll(() => sim.close());

const MODEL = 'Qwen/Qwen3-8B';
const messages = [{ role: 'user' as const, content: 'hi' }];

/** vLLM's validation message: pydantic's entries, as FastAPI's handler renders them. */
const v = (...entries: string[]) => `${entries.length} validation error${entries.length === 1 ? '' : 's'}:\n${entries.map((e) => `  {${e}}`).join('\n')}`;
/** Python's repr of the message: double quotes when it holds a single quote only, else single quotes escaped. */
const pyRepr = (s: string) => (s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
const entry = (kind: string, loc: string, msg: string) => `'type': '${kind}', 'loc': (${loc}), 'msg': ${pyRepr(msg)}`;
/** `StructuredOutputsParams.__dict__` with `set` over the defaults, as Python prints it. */
const instance = (set: string) => {
  const fields: Record<string, string> = {
    json: 'None',
    regex: 'None',
    choice: 'None',
    grammar: 'None',
    json_object: 'None',
    disable_fallback: 'False',
    disable_any_whitespace: 'False',
    disable_additional_properties: 'False',
    whitespace_pattern: 'None',
    structural_tag: 'None',
    _backend: 'None',
    _backend_was_auto: 'False',
  };
  for (const part of set.split('; ')) {
    const [k, ...rest] = part.split('=');
    fields[k as string] = rest.join('=');
  }
  return `{${Object.entries(fields)
    .map(([k, x]) => `'${k}': ${x}`)
    .join(', ')}}`;
};
const ONE_KIND = 'You can only use one kind of structured outputs constraint but multiple are specified: ';

/** One chat request through the SDK; the extra fields go in the body as vLLM's clients send them (`extra_body`). */
async function chatError(extra: Record<string, unknown>, path: 'chat' | 'completions' = 'chat'): Promise<InstanceType<typeof OpenAI.APIError>> {
  const p =
    path === 'chat'
      ? openai.chat.completions.create({ model: MODEL, messages, max_tokens: 4, ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      : openai.completions.create({ model: MODEL, prompt: 'hi', max_tokens: 4, ...extra } as OpenAI.CompletionCreateParamsNonStreaming);
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

const SO_CASES: readonly (readonly [string, Record<string, unknown>, string, string])[] = [
  // check_structured_outputs_count reads the raw body first: any two of json/regex/choice, whatever their types
  [
    'json and regex (the request validator)',
    { structured_outputs: { json: 5, regex: 'a' } },
    'Bad Request',
    v(entry('value_error', "'body',", "Value error, You can only use one kind of constraints for structured outputs ('json', 'regex' or 'choice').")),
  ],
  [
    'json and grammar (the dataclass __post_init__)',
    { structured_outputs: { json: { type: 'object' }, grammar: 'root ::= "a"' } },
    'Bad Request',
    v(entry('value_error', "'body', 'structured_outputs'", `Value error, ${ONE_KIND}${instance(`json={'type': 'object'}; grammar='root ::= "a"'`)}`)),
  ],
  [
    'regex and json_object "yes" (lax bool, then __post_init__)',
    { structured_outputs: { regex: 'a+', json_object: 'yes' } },
    'Bad Request',
    v(entry('value_error', "'body', 'structured_outputs'", `Value error, ${ONE_KIND}${instance("regex='a+'; json_object=True")}`)),
  ],
  [
    'not an object',
    { structured_outputs: 'json' },
    'Bad Request',
    v(entry('dataclass_type', "'body', 'structured_outputs'", 'Input should be a dictionary or an instance of StructuredOutputsParams')),
  ],
  [
    'json of the wrong type (str | dict)',
    { structured_outputs: { json: 5 } },
    'Bad Request',
    v(
      entry('string_type', "'body', 'structured_outputs', 'json', 'str'", 'Input should be a valid string'),
      entry('dict_type', "'body', 'structured_outputs', 'json', 'dict[any,any]'", 'Input should be a valid dictionary'),
    ),
  ],
  [
    'choice of a number, disable_fallback null',
    { structured_outputs: { choice: ['a', 2], disable_fallback: null } },
    'Bad Request',
    v(
      entry('string_type', "'body', 'structured_outputs', 'choice', 1", 'Input should be a valid string'),
      entry('bool_type', "'body', 'structured_outputs', 'disable_fallback'", 'Input should be a valid boolean'),
    ),
  ],
  [
    'whitespace_pattern of the wrong type',
    { structured_outputs: { regex: 'a', whitespace_pattern: [' '] } },
    'Bad Request',
    v(entry('string_type', "'body', 'structured_outputs', 'whitespace_pattern'", 'Input should be a valid string')),
  ],
  // guided_*: vLLM 0.11's deprecated request fields, typed by pydantic, then forwarded into StructuredOutputsParams
  [
    'guided_json of the wrong type (str | dict | BaseModel)',
    { guided_json: 5 },
    'Bad Request',
    v(
      entry('string_type', "'body', 'guided_json', 'str'", 'Input should be a valid string'),
      entry('dict_type', "'body', 'guided_json', 'dict[any,any]'", 'Input should be a valid dictionary'),
      entry('model_type', "'body', 'guided_json', 'BaseModel'", 'Input should be a valid dictionary or instance of BaseModel'),
    ),
  ],
  ['guided_choice not a list', { guided_choice: 'a' }, 'Bad Request', v(entry('list_type', "'body', 'guided_choice'", 'Input should be a valid list'))],
  [
    'guided_decoding_backend of the wrong type',
    { guided_decoding_backend: 1 },
    'Bad Request',
    v(entry('string_type', "'body', 'guided_decoding_backend'", 'Input should be a valid string')),
  ],
  // forwarded guided_* raise in to_sampling_params: the serving layer's plain 400, with the raw dataclass __dict__
  ['guided_json and guided_regex', { guided_json: {}, guided_regex: "it's" }, 'BadRequestError', `${ONE_KIND}${instance(`json={}; regex="it's"`)}`],
  [
    'guided_choice and a top-level structural_tag',
    { guided_choice: ['a'], structural_tag: '{}', guided_whitespace_pattern: ' ' },
    'BadRequestError',
    `${ONE_KIND}${instance("choice=['a']; whitespace_pattern=' '; structural_tag='{}'")}`,
  ],
];

describe('structured_outputs and guided_* are typed as vLLM 0.11 types them', () => {
  it.each(SO_CASES)('chat %s is the exact 400', async (_name, extra, type, message) => {
    const err = await chatError(extra);
    expect(err.status).toBe(400);
    expect(err.message).toBe(`400 ${message}`);
    expect((err.error as Record<string, unknown>)['type']).toBe(type);
  });

  it('completions type them the same way', async () => {
    const err = await chatError({ structured_outputs: { json: {}, json_object: true } }, 'completions');
    expect(err.message).toBe(
      `400 ${v(entry('value_error', "'body', 'structured_outputs'", `Value error, ${ONE_KIND}${instance('json={}; json_object=True')}`))}`,
    );
  });

  it('valid shapes answer as before: options are accepted, guided_* are the constraint when structured_outputs is absent', async () => {
    const so = await openai.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 40,
      structured_outputs: { choice: ['yes', 'no'], disable_any_whitespace: 'true', whitespace_pattern: ' ', disable_fallback: false },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(['yes', 'no']).toContain(so.choices[0]?.message.content);
    const guided = await openai.completions.create({
      model: MODEL,
      prompt: 'hi',
      max_tokens: 40,
      guided_regex: '[0-9]{3}',
      guided_decoding_backend: 'xgrammar',
    } as OpenAI.CompletionCreateParamsNonStreaming);
    expect(guided.choices[0]?.text).toMatch(/^[0-9]{3}$/);
    // structured_outputs given: guided_* are not forwarded, so no "one kind" error
    const both = await postRaw(`${sim.url}/v1/chat/completions`, { messages, max_tokens: 40, structured_outputs: { regex: 'a' }, guided_json: {} });
    expect(both.status, both.text).toBe(200);
    expect(JSON.parse(both.text).choices[0].message.content).toBe('a');
  });
});

const weather = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const withParams = (parameters: unknown) => [{ type: 'function', function: { name: 'get_weather', parameters } }];
const GO = 'json: cannot unmarshal';

const OLLAMA_CASES: readonly (readonly [string, unknown, string])[] = [
  ['not a list', 'get_weather', `${GO} string into Go struct field ChatRequest.tools of type api.Tools`],
  ['a number for a tool', [5], `${GO} number into Go struct field ChatRequest.tools of type api.Tool`],
  ['type a number', [{ type: 5, function: { name: 'f' } }], `${GO} number into Go struct field Tool.tools.type of type string`],
  ['function a string', [{ type: 'function', function: 'get_weather' }], `${GO} string into Go struct field Tool.tools.function of type api.ToolFunction`],
  ['name a number', [{ type: 'function', function: { name: 5 } }], `${GO} number into Go struct field ToolFunction.tools.function.name of type string`],
  [
    'description an object',
    [{ function: { name: 'f', description: {} } }],
    `${GO} object into Go struct field ToolFunction.tools.function.description of type string`,
  ],
  ['parameters a list', withParams([]), `${GO} array into Go struct field ToolFunction.tools.function.parameters of type api.ToolFunctionParameters`],
  [
    'required a string',
    withParams({ type: 'object', required: 'city' }),
    `${GO} string into Go struct field ToolFunctionParameters.tools.function.parameters.required of type []string`,
  ],
  [
    'a required entry a number',
    withParams({ type: 'object', required: ['city', 1] }),
    `${GO} number into Go struct field ToolFunctionParameters.tools.function.parameters.required of type string`,
  ],
  // the ordered property map has its own UnmarshalJSON: jsonparser's text for a non-object, the outer struct's name inside
  ['properties a list', withParams({ type: 'object', properties: [] }), "Value looks like object, but can't find closing '}' symbol"],
  [
    'a property a string',
    withParams({ type: 'object', properties: { city: 'string' } }),
    `${GO} string into Go struct field ToolFunctionParameters.tools.function.parameters.properties of type api.ToolProperty`,
  ],
  [
    'a property type a number (PropertyType: string or []string)',
    withParams({ type: 'object', properties: { city: { type: 5 } } }),
    `${GO} number into Go struct field ToolFunctionParameters.tools.function.parameters.properties.type of type []string`,
  ],
  [
    'a nested property description a bool',
    withParams({ type: 'object', properties: { a: { type: 'object', properties: { b: { description: true } } } } }),
    `${GO} bool into Go struct field ToolFunctionParameters.tools.function.parameters.properties.properties.description of type string`,
  ],
  // Go records the first type error and decodes on, but an unmarshaler's error stops it and wins
  [
    'a name error, then a property error',
    [{ function: { name: 5, parameters: { properties: { a: { enum: 'x' } } } } }],
    `${GO} string into Go struct field ToolFunctionParameters.tools.function.parameters.properties.enum of type []interface {}`,
  ],
  [
    'two type errors: the first in the body',
    [{ function: { description: 1, name: 2 } }],
    `${GO} number into Go struct field ToolFunction.tools.function.description of type string`,
  ],
];

describe("Ollama's tools and format are typed as Ollama's Go types decode them", () => {
  it.each(OLLAMA_CASES)('tools %s is 400 with Go’s message', async (_name, tools, message) => {
    const err = await ollama.chat({ model: MODEL, messages, stream: false, tools: tools as never }).then(
      () => null,
      (e: unknown) => e as { error: string; status_code: number },
    );
    expect(err).toMatchObject({ error: message, status_code: 400 });
  });

  it('what Go lets through answers 200: unknown keys, null anywhere, a tool without a name', async () => {
    for (const tools of [
      [{ name: 'f' }],
      [null],
      [{ type: null, function: { name: null, parameters: null } }],
      withParams({ type: 'object', properties: { a: { type: ['string', 'null'] } } }),
    ]) {
      const r = await postRaw(`${sim.url}/api/chat`, { model: MODEL, messages, stream: false, options: { num_predict: 8 }, tools });
      expect(r.status, `${JSON.stringify(tools)}: ${r.text}`).toBe(200);
    }
    const ok = await ollama.chat({ model: MODEL, messages, stream: false, tools: [weather] as never, options: { num_predict: 8 } });
    expect(ok.done).toBe(true);
  });

  it.each([
    ['a number', 5, 'invalid format: "5"; expected "json" or a valid JSON Schema object'],
    ['another word', 'yaml', 'invalid format: "\\"yaml\\""; expected "json" or a valid JSON Schema object'],
    ['a list', ['json'], 'invalid format: "[\\"json\\"]"; expected "json" or a valid JSON Schema object'],
  ])('format %s is Ollama’s error (generate and chat)', async (_name, format, message) => {
    const chat = await ollama.chat({ model: MODEL, messages, stream: false, format: format as never }).then(
      () => null,
      (e: unknown) => e as { error: string; status_code: number },
    );
    expect(chat).toMatchObject({ error: message, status_code: 400 });
    const gen = await ollama.generate({ model: MODEL, prompt: 'hi', stream: false, format: format as never }).then(
      () => null,
      (e: unknown) => e as { error: string },
    );
    expect(gen?.error).toBe(message);
  });

  it('format "" and null are unset, "json" and an object constrain', async () => {
    for (const format of ['', null]) {
      const r = await postRaw(`${sim.url}/api/generate`, { model: MODEL, prompt: 'hi', stream: false, think: false, options: { num_predict: 6 }, format });
      expect(r.status, r.text).toBe(200);
    }
    const json = await ollama.generate({ model: MODEL, prompt: 'hi', stream: false, think: false, format: 'json', options: { num_predict: 200 } });
    expect(typeof JSON.parse(json.response ?? '')).toBe('object');
  });
});
