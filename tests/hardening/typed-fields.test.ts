/**
 * @module The fields that were read loosely from the raw body after validation (tools, tool_choice, response_format,
 * structured_outputs, guided_*, kv_transfer_params, Ollama `format`, Anthropic and Responses tool choices), now typed
 * intent fields: every malformed shape is the dialect's own 400 envelope with vLLM's wording, never a 500.
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
const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };
const chat = (x: object) => ['/v1/chat/completions', { messages, max_tokens: 4, ...x }] as const;
const cmpl = (x: object) => ['/v1/completions', { prompt: 'hi', max_tokens: 4, ...x }] as const;
const ollama = (x: object) => ['/api/chat', { model: MODEL, messages, stream: false, ...x }] as const;
const anthropic = (x: object) => ['/v1/messages', { model: MODEL, max_tokens: 4, messages, ...x }] as const;
const responses = (x: object) => ['/v1/responses', { input: 'hi', max_output_tokens: 4, ...x }] as const;
const rtool = { type: 'function', name: 'get_weather', parameters: { type: 'object' } };
const NOT_A_DICT = 'Input should be a valid dictionary';
const NO_MATCH = 'The tool specified in `tool_choice` does not match any of the specified `tools`';

const CASES: readonly (readonly [string, Record<string, unknown>, string])[] = [
  [...chat({ response_format: 'json' }), NOT_A_DICT],
  [...chat({ response_format: [] }), NOT_A_DICT],
  [...cmpl({ response_format: 'json' }), NOT_A_DICT],
  [...chat({ response_format: { type: 'json_schema' } }), "the 'json_schema' field must be provided"],
  // pydantic lists every member of AnyResponseFormat (tests/hardening/inner-shapes.test.ts has the whole message).
  [
    ...chat({ response_format: { type: 'json_schema', json_schema: { schema: 5 } } }),
    "'loc': ('body', 'response_format', 'ResponseFormat', 'json_schema', 'schema'), 'msg': 'Input should be a valid dictionary'",
  ],
  [
    ...chat({ response_format: { type: 5 } }),
    "'loc': ('body', 'response_format', 'ResponseFormat', 'type'), 'msg': \"Input should be 'text', 'json_object' or 'json_schema'\"",
  ],
  [...chat({ structured_outputs: 'json' }), 'Input should be a dictionary or an instance of StructuredOutputsParams'],
  [...chat({ structured_outputs: { json: '{not json' } }), 'the schema string is not valid JSON'],
  [...chat({ guided_json: '{not json' }), 'the schema string is not valid JSON'],
  [...cmpl({ guided_json: {}, guided_regex: 'a' }), 'You can only use one kind of structured outputs constraint but multiple are specified'],
  [...chat({ tools: 'get_weather' }), 'Input should be a valid list'],
  [...chat({ tools: [{ type: 'function' }] }), "{'type': 'missing', 'loc': ('body', 'tools', 0, 'function'), 'msg': 'Field required'}"],
  [
    ...chat({ tools: [{ function: { name: 'f', parameters: 7 } }] }),
    "{'type': 'dict_type', 'loc': ('body', 'tools', 0, 'function', 'parameters'), 'msg': 'Input should be a valid dictionary'}",
  ],
  [...chat({ tools: [tool], tool_choice: 5 }), 'Invalid value for `tool_choice`: 5! Only named tools, "none", "auto" or "required" are supported.'],
  // vLLM's f-string prints str(function): no quotes around a string.
  [...chat({ tools: [tool], tool_choice: { type: 'function', function: 'get_weather' } }), 'Invalid value for `function`: `get_weather` in `tool_choice`!'],
  [...chat({ tools: [tool], tool_choice: { type: 'function', function: { name: 'nope' } } }), NO_MATCH],
  // vLLM's check_tool_usage checks the choice against an empty list too.
  [...chat({ tools: [], tool_choice: 'sometimes' }), 'Invalid value for `tool_choice`: sometimes!'],
  [...chat({ tools: [], tool_choice: { type: 'function', function: { name: 'get_weather' } } }), NO_MATCH],
  [...chat({ tools: [], tool_choice: { type: 'function', function: 'get_weather' } }), 'Invalid value for `function`'],
  [...chat({ tools: [tool], structured_outputs: { json: {} } }), 'You can only either use constraints for structured outputs or tools, not both.'],
  [...chat({ kv_transfer_params: 'prefill' }), NOT_A_DICT],
  [...cmpl({ kv_transfer_params: [] }), NOT_A_DICT],
  [...chat({ kv_transfer_params: { do_remote_prefill: true } }), 'kv_transfer_params with do_remote_prefill needs remote_engine_id'],
  [
    ...cmpl({ kv_transfer_params: { do_remote_prefill: true, remote_engine_id: 'e', remote_block_ids: '1', remote_host: 'h', remote_port: 1 } }),
    'must be a list',
  ],
  [...ollama({ format: 5 }), 'invalid format: "5"; expected "json" or a valid JSON Schema object'],
  [...ollama({ tools: [{ function: 'f' }] }), 'json: cannot unmarshal string into Go struct field Tool.tools.function of type api.ToolFunction'],
  [...anthropic({ tools: [{ name: 'f', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 'g' } }), NO_MATCH],
  [...anthropic({ tool_choice: 'auto' }), 'Input should be a valid dictionary or instance of AnthropicToolChoice'],
  [...responses({ text: { format: 'json' } }), 'Input should be a valid dictionary or instance of ResponseFormatText'],
  // openai's ToolChoice union as pydantic reports it (vLLM has no validator of its own here).
  [
    ...responses({ tools: [rtool], tool_choice: 'sometimes' }),
    "'loc': ('body', 'tool_choice', \"literal['none','auto','required']\"), 'msg': \"Input should be 'none', 'auto' or 'required'\"",
  ],
  [...responses({ tools: [rtool], tool_choice: { type: 'function', name: 'nope' } }), NO_MATCH],
];

describe('typed intent fields', () => {
  it.each(CASES)('%s %j is a 400 in its envelope', async (path, body, message) => {
    const r = await postRaw(`${sim.url}${path}`, body);
    expect(r.status, r.text).toBe(400);
    const err = JSON.parse(r.text) as Record<string, unknown>;
    if (path.startsWith('/api/')) expect(String(err['error'])).toContain(message);
    else if (path === '/v1/messages') {
      expect(err['type']).toBe('error');
      expect(String((err['error'] as Record<string, unknown>)['message'])).toContain(message);
    } else expect(String((err['error'] as Record<string, unknown>)['message'])).toContain(message);
  });

  it('an empty tools list with tool_choice "required" or "auto" answers in text, as vLLM ("required" becomes "none")', async () => {
    for (const tool_choice of ['required', 'auto']) {
      const r = await postRaw(`${sim.url}/v1/chat/completions`, { messages, max_tokens: 8, seed: 4, tools: [], tool_choice });
      expect(r.status, r.text).toBe(200);
      expect(JSON.parse(r.text).choices[0].message.tool_calls).toEqual([]);
    }
  });

  it('a lax field is read as validated: parallel_tool_calls "false" allows one call, as vLLM coerces it (read from the raw body, the string meant parallel: 3 calls at this seed)', async () => {
    const body = { messages, max_tokens: 200, seed: 4, tools: [tool], tool_choice: 'required', parallel_tool_calls: 'false' };
    const r = await postRaw(`${sim.url}/v1/chat/completions`, body);
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text).choices[0].message.tool_calls).toHaveLength(1);
  });
});
