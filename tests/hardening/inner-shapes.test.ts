/**
 * @module The inner shapes of `tools`, `tool_choice` and `response_format` (chat, completions), of Responses `tools`,
 * `tool_choice` and `text.format`, and of Anthropic `output_config`, as zod types them after vLLM's pydantic models:
 * each malformed shape is the exact 400 vLLM gives (its before-validators' wording first, then pydantic's field and
 * union errors), in the dialect's envelope.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { AUTO_TOOLS, startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer({ ...AUTO_TOOLS, apiKeys: [] });
});
afterAll(() => sim.close());

const MODEL = 'Qwen/Qwen3-8B';
const messages = [{ role: 'user', content: 'hi' }];
const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };
const chat = (x: object) => ['/v1/chat/completions', { messages, max_tokens: 4, ...x }] as const;
const cmpl = (x: object) => ['/v1/completions', { prompt: 'hi', max_tokens: 4, ...x }] as const;
const responses = (x: object) => ['/v1/responses', { input: 'hi', max_output_tokens: 4, ...x }] as const;
const USAGE = 'Correct usage: `{"type": "function", "function": {"name": "my_function"}}`';

/** vLLM's validation message: pydantic's entries, as FastAPI's handler renders them. */
const v = (...entries: string[]) => `${entries.length} validation error${entries.length === 1 ? '' : 's'}:\n${entries.map((e) => `  {${e}}`).join('\n')}`;
/** A model validator's ValueError; the message is Python's repr (double quotes when it holds a single quote). */
const valueError = (text: string) => {
  const msg = `Value error, ${text}`;
  return v(`'type': 'value_error', 'loc': ('body',), 'msg': ${msg.includes("'") ? `"${msg}"` : `'${msg}'`}`);
};
const STRUCTURAL = [
  `'type': 'literal_error', 'loc': ('body', 'response_format', 'StructuralTagResponseFormat', 'type'), 'msg': "Input should be 'structural_tag'"`,
  `'type': 'missing', 'loc': ('body', 'response_format', 'StructuralTagResponseFormat', 'format'), 'msg': 'Field required'`,
  `'type': 'literal_error', 'loc': ('body', 'response_format', 'LegacyStructuralTagResponseFormat', 'type'), 'msg': "Input should be 'structural_tag'"`,
  `'type': 'missing', 'loc': ('body', 'response_format', 'LegacyStructuralTagResponseFormat', 'structures'), 'msg': 'Field required'`,
  `'type': 'missing', 'loc': ('body', 'response_format', 'LegacyStructuralTagResponseFormat', 'triggers'), 'msg': 'Field required'`,
];
const notModel = (loc: string, cls: string) => `'type': 'model_type', 'loc': (${loc}), 'msg': 'Input should be a valid dictionary or instance of ${cls}'`;

const CASES: readonly (readonly [string, Record<string, unknown>, string])[] = [
  // chat tools: ChatCompletionToolsParam / FunctionDefinition
  [...chat({ tools: [5] }), v(notModel("'body', 'tools', 0", 'ChatCompletionToolsParam'))],
  [
    ...chat({ tools: [{ type: 'custom', function: { name: 'f' } }] }),
    v(`'type': 'literal_error', 'loc': ('body', 'tools', 0, 'type'), 'msg': "Input should be 'function'"`),
  ],
  [...chat({ tools: [{ type: 'function', function: {} }] }), v(`'type': 'missing', 'loc': ('body', 'tools', 0, 'function', 'name'), 'msg': 'Field required'`)],
  [
    ...chat({ tools: [{ function: { name: 5, parameters: [] } }] }),
    v(
      `'type': 'string_type', 'loc': ('body', 'tools', 0, 'function', 'name'), 'msg': 'Input should be a valid string'`,
      `'type': 'dict_type', 'loc': ('body', 'tools', 0, 'function', 'parameters'), 'msg': 'Input should be a valid dictionary'`,
    ),
  ],
  // /tokenize takes the chat request's tool type
  [
    '/tokenize',
    { model: MODEL, messages, tools: [{ type: 'function' }] },
    v(`'type': 'missing', 'loc': ('body', 'tools', 0, 'function'), 'msg': 'Field required'`),
  ],
  // chat tool_choice: check_tool_usage (before the fields), then the union
  [...chat({ tool_choice: 'sometimes' }), valueError('When using `tool_choice`, `tools` must be set.')],
  [
    ...chat({ tools: [tool], tool_choice: true }),
    valueError('Invalid value for `tool_choice`: True! Only named tools, "none", "auto" or "required" are supported.'),
  ],
  [...chat({ tools: [tool], tool_choice: { type: 'function' } }), valueError(`Invalid value for \`function\`: \`None\` in \`tool_choice\`! ${USAGE}`)],
  [...chat({ tools: [tool], tool_choice: { function: {} } }), valueError(`Expected field \`name\` in \`function\` in \`tool_choice\`! ${USAGE}`)],
  [...chat({ tools: [tool], tool_choice: { function: { name: '' } } }), valueError(`Invalid \`name\` in \`function\`: \`\` in \`tool_choice\`! ${USAGE}`)],
  // the before-validator's message wins over a field error elsewhere in the body
  [
    ...chat({ tools: [tool], tool_choice: 'sometimes', temperature: 'hot' }),
    valueError('Invalid value for `tool_choice`: sometimes! Only named tools, "none", "auto" or "required" are supported.'),
  ],
  [
    ...chat({ tools: [tool], tool_choice: { type: 'tool', function: { name: 'get_weather' } } }),
    v(
      `'type': 'literal_error', 'loc': ('body', 'tool_choice', "literal['none']"), 'msg': "Input should be 'none'"`,
      `'type': 'literal_error', 'loc': ('body', 'tool_choice', "literal['auto']"), 'msg': "Input should be 'auto'"`,
      `'type': 'literal_error', 'loc': ('body', 'tool_choice', "literal['required']"), 'msg': "Input should be 'required'"`,
      `'type': 'literal_error', 'loc': ('body', 'tool_choice', 'ChatCompletionNamedToolChoiceParam', 'type'), 'msg': "Input should be 'function'"`,
    ),
  ],
  // response_format: validate_response_format, then AnyResponseFormat
  [...chat({ response_format: { type: 'json_schema' } }), valueError("When response_format type is 'json_schema', the 'json_schema' field must be provided.")],
  [
    ...cmpl({ response_format: { type: 'json_schema', json_schema: null } }),
    valueError("When response_format type is 'json_schema', the 'json_schema' field must be provided."),
  ],
  [...chat({ response_format: { type: 'structural_tag' } }), valueError('Invalid response_format structural_tag specification.')],
  [
    ...chat({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: '{}' } } }),
    v(
      `'type': 'dict_type', 'loc': ('body', 'response_format', 'ResponseFormat', 'json_schema', 'schema'), 'msg': 'Input should be a valid dictionary'`,
      ...STRUCTURAL,
    ),
  ],
  [
    ...cmpl({ response_format: 'json' }),
    v(
      notModel("'body', 'response_format', 'ResponseFormat'", 'ResponseFormat'),
      notModel("'body', 'response_format', 'StructuralTagResponseFormat'", 'StructuralTagResponseFormat'),
      notModel("'body', 'response_format', 'LegacyStructuralTagResponseFormat'", 'LegacyStructuralTagResponseFormat'),
    ),
  ],
  // Responses: Tool, ToolChoice, text.format
  [
    ...responses({ tools: [{ type: 'hosted_magic' }] }),
    v(
      `'type': 'literal_error', 'loc': ('body', 'tools', 0, 'type'), 'msg': "Input should be 'function', 'file_search', 'computer', 'computer_use_preview', 'web_search', 'web_search_2025_08_26', 'mcp', 'code_interpreter', 'programmatic_tool_calling', 'image_generation', 'local_shell', 'shell', 'custom', 'namespace', 'tool_search', 'web_search_preview', 'web_search_preview_2025_03_11' or 'apply_patch'"`,
    ),
  ],
  [
    ...responses({ tools: [{ type: 'function', name: 'f', parameters: 'x' }] }),
    v(`'type': 'dict_type', 'loc': ('body', 'tools', 0, 'parameters'), 'msg': 'Input should be a valid dictionary'`),
  ],
];

describe('inner shapes are typed by zod as vLLM types them', () => {
  it.each(CASES)('%s %j is the exact 400', async (path, body, message) => {
    const r = await postRaw(`${sim.url}${path}`, body);
    expect(r.status, r.text).toBe(400);
    const err = JSON.parse(r.text).error;
    expect(err.message).toBe(message);
    expect(err.type).toBe('Bad Request');
  });

  it('names the first location as param, as vLLM', async () => {
    const r = await postRaw(`${sim.url}/v1/chat/completions`, { messages, tools: [{ type: 'function', function: {} }] });
    expect(JSON.parse(r.text).error).toMatchObject({ param: 'body.tools.0.function.name', code: 400 });
  });

  it('a Responses named choice without name, and a json_schema format without name, list the union', async () => {
    const choice = await postRaw(`${sim.url}/v1/responses`, { input: 'hi', tool_choice: { type: 'function' } });
    expect(choice.status).toBe(400);
    expect(JSON.parse(choice.text).error.message).toContain(
      `{'type': 'missing', 'loc': ('body', 'tool_choice', 'ToolChoiceFunction', 'name'), 'msg': 'Field required'}`,
    );
    const format = await postRaw(`${sim.url}/v1/responses`, { input: 'hi', text: { format: { type: 'json_schema', schema: {} } } });
    expect(JSON.parse(format.text).error.message).toContain(
      `{'type': 'missing', 'loc': ('body', 'text', 'format', 'ResponseFormatTextJSONSchemaConfig', 'name'), 'msg': 'Field required'}`,
    );
  });

  it('structural_tag is a well-formed tag llmsim does not support (its own 400, param structured_outputs)', async () => {
    const r = await postRaw(`${sim.url}/v1/chat/completions`, { messages, response_format: { type: 'structural_tag', format: { type: 'any_text' } } });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error).toEqual({
      message: 'structural_tag constraints are not supported by llmsim',
      type: 'BadRequestError',
      param: 'structured_outputs',
      code: 400,
    });
  });

  it('Anthropic output_config is AnthropicOutputConfig, in the Anthropic envelope', async () => {
    const r = await postRaw(`${sim.url}/v1/messages`, { model: MODEL, max_tokens: 4, messages, output_config: { effort: 'extreme' } });
    expect(r.status).toBe(400);
    const body = JSON.parse(r.text);
    expect(body.type).toBe('error');
    expect(body.error.message).toContain(
      `{'type': 'literal_error', 'loc': ('body', 'output_config', 'effort'), 'msg': "Input should be 'low', 'medium', 'high', 'xhigh' or 'max'"}`,
    );
    const ok = await postRaw(`${sim.url}/v1/messages`, {
      model: MODEL,
      max_tokens: 4,
      messages,
      output_config: { effort: 'low', format: { type: 'json_schema', schema: {} } },
    });
    expect(ok.status, ok.text).toBe(200);
  });
});
