/**
 * The request shapes Python langchain-openai 1.6.6 sends (captured from ChatOpenAI; docs/CLIENTS.md), replayed through
 * the JS openai SDK: invoke, stream with usage, with_structured_output json_schema / function_calling, bind_tools with
 * tool_choice unset and "any", and the tool loop. The Python run itself is tests/python-crosscheck/run-langchain.sh.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { AUTO_TOOLS, startTestServer } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const M = 'Qwen/Qwen3-8B';
const person = {
  properties: { name: { title: 'Name', type: 'string' }, age: { title: 'Age', type: 'integer' } },
  required: ['name', 'age'],
  title: 'Person',
  type: 'object',
  additionalProperties: false,
};
const weather: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'Weather.', parameters: { properties: { city: { type: 'string' } }, required: ['city'], type: 'object' } },
};
const base = { model: M, max_completion_tokens: 200, seed: 7, temperature: 0, stream: false } as const;
const user = (content: string): OpenAI.ChatCompletionMessageParam[] => [{ role: 'user', content }];

let plain: Simulator;
let tools: Simulator;
let off: OpenAI;
let on: OpenAI;
beforeAll(async () => {
  [plain, tools] = await Promise.all([startTestServer(), startTestServer(AUTO_TOOLS)]);
  off = new OpenAI({ baseURL: `${plain.url}/v1`, apiKey: 'x', maxRetries: 0 });
  on = new OpenAI({ baseURL: `${tools.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await Promise.all([plain.close(), tools.close()]);
});

describe("langchain-openai's request shapes", () => {
  it('with_structured_output(method="json_schema"): a strict schema instance, tools flags or not', async () => {
    const r = await off.chat.completions.create({
      ...base,
      messages: user('Ada Lovelace, 36, lives in London.'),
      response_format: { type: 'json_schema', json_schema: { schema: person, name: 'Person', strict: true } },
    });
    const value = JSON.parse(r.choices[0]!.message.content!) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['age', 'name']);
    expect(typeof value['name']).toBe('string');
    expect(Number.isInteger(value['age'])).toBe(true);
  });

  it('stream with stream_options.include_usage: the text of invoke, usage on the last chunk', async () => {
    const whole = await off.chat.completions.create({ ...base, max_completion_tokens: 24, messages: user('Say hello.') });
    const stream = await off.chat.completions.create({
      ...base,
      max_completion_tokens: 24,
      messages: user('Say hello.'),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe(whole.choices[0]!.message.content);
    // (The non-streamed usage also carries `prompt_tokens_details: null`; vLLM's stream chunks exclude unset fields.)
    expect(usage).toMatchObject({
      prompt_tokens: whole.usage!.prompt_tokens,
      completion_tokens: whole.usage!.completion_tokens,
      total_tokens: whole.usage!.total_tokens,
    });
  });

  it('with_structured_output(method="function_calling"): one named call with parallel_tool_calls false; 400 without the flags', async () => {
    const body = {
      ...base,
      messages: user('Ada Lovelace, 36, lives in London.'),
      parallel_tool_calls: false,
      tool_choice: { type: 'function' as const, function: { name: 'Person' } },
      tools: [{ type: 'function' as const, function: { name: 'Person', description: '', parameters: { ...person, additionalProperties: undefined } } }],
    };
    const r = await on.chat.completions.create(body);
    const calls = r.choices[0]!.message.tool_calls as OpenAI.ChatCompletionMessageFunctionToolCall[];
    expect(calls).toHaveLength(1);
    expect(calls[0]!.function.name).toBe('Person');
    expect(Object.keys(JSON.parse(calls[0]!.function.arguments)).sort()).toEqual(['age', 'name']);
    expect(r.choices[0]!.finish_reason).toBe('stop');
    await expect(off.chat.completions.create(body)).rejects.toThrow('tool_choice=function "Person" requires --tool-call-parser to be set');
  });

  it('bind_tools (tool_choice unset, and "any" sent as "required") calls get_weather; unset is "auto" and a 400 without the flags', async () => {
    const auto = await on.chat.completions.create({ ...base, messages: user('What is the weather in Paris?'), tools: [weather] });
    expect(['tool_calls', 'stop', 'length']).toContain(auto.choices[0]!.finish_reason);
    const required = await on.chat.completions.create({ ...base, messages: user('What is the weather in Paris?'), tools: [weather], tool_choice: 'required' });
    const call = required.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    expect(typeof JSON.parse(call.function.arguments).city).toBe('string');
    await expect(off.chat.completions.create({ ...base, messages: user('weather?'), tools: [weather] })).rejects.toBeInstanceOf(OpenAI.BadRequestError);

    // The tool loop: the call, LangChain's ToolMessage, then a text answer (tools still bound).
    const followUp = await on.chat.completions.create({
      ...base,
      tools: [weather],
      messages: [
        ...user('What is the weather in Paris?'),
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '22 degrees celsius in Paris' },
      ],
    });
    expect(followUp.choices[0]!.message.tool_calls ?? []).toEqual([]);
    expect(followUp.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });

  it('leaves nothing running', async () => {
    for (const s of [plain, tools]) expect(await (await fetch(`${s.url}/load`)).json()).toEqual({ server_load: 0 });
  });
});
