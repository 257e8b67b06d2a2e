import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { AUTO_TOOLS, startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const M = 'Qwen/Qwen3-8B';
const tools: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'What is the weather in Paris?' }];
const AUTO = '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set';
const REQUIRED = 'tool_choice="required" requires --tool-call-parser to be set';
const NAMED = 'tool_choice=function "get_weather" requires --tool-call-parser to be set';
const body = (message: string) => ({ error: { message, type: 'BadRequestError', param: null, code: 400 } });

let plain: Simulator;
let enabled: Simulator;
let client: OpenAI;
let toolClient: OpenAI;

beforeAll(async () => {
  [plain, enabled] = await Promise.all([startTestServer(), startTestServer(AUTO_TOOLS)]);
  client = new OpenAI({ baseURL: `${plain.url}/v1`, apiKey: 'x', maxRetries: 0 });
  toolClient = new OpenAI({ baseURL: `${enabled.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await Promise.all([plain.close(), enabled.close()]);
});

async function rejected(p: Promise<unknown>, message: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect((err as InstanceType<typeof OpenAI.BadRequestError>).error).toEqual({ message, type: 'BadRequestError', param: null, code: 400 });
}

describe('tool choice without --enable-auto-tool-choice (vLLM default)', () => {
  it('returns vLLM\'s 400 for tool_choice "auto", exact body', async () => {
    await rejected(client.chat.completions.create({ model: M, messages, tools, tool_choice: 'auto' }), AUTO);
    const raw = await postRaw(`${plain.url}/v1/chat/completions`, { model: M, messages, tools, tool_choice: 'auto' });
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.text)).toEqual(body(AUTO));
  });

  it('treats tools without tool_choice as "auto" (the implied default), streamed or not', async () => {
    await rejected(client.chat.completions.create({ model: M, messages, tools }), AUTO);
    await rejected(client.chat.completions.create({ model: M, messages, tools, stream: true }), AUTO);
  });

  it('rejects "required" and a named function as vLLM main does', async () => {
    await rejected(client.chat.completions.create({ model: M, messages, tools, tool_choice: 'required' }), REQUIRED);
    await rejected(client.chat.completions.create({ model: M, messages, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } }), NAMED);
  });

  it('answers tool_choice "none" (tools still rendered into the prompt) and an explicit null, in text', async () => {
    const none = await client.chat.completions.create({ model: M, messages, tools, tool_choice: 'none', max_tokens: 8 });
    expect(none.choices[0]!.message.tool_calls ?? []).toEqual([]);
    const bare = await client.chat.completions.create({ model: M, messages, max_tokens: 8 });
    expect(none.usage!.prompt_tokens).toBeGreaterThan(bare.usage!.prompt_tokens);
    const raw = await postRaw(`${plain.url}/v1/chat/completions`, { model: M, messages, tools, tool_choice: null, max_tokens: 8 });
    expect(raw.status).toBe(200);
  });

  it("keeps vLLM's order: request validators and the model check come first", async () => {
    const noTools = await postRaw(`${plain.url}/v1/chat/completions`, { model: M, messages, tool_choice: 'auto' });
    expect(noTools.status).toBe(400);
    expect(JSON.parse(noTools.text).error.message).toContain('When using `tool_choice`, `tools` must be set.');
    const unknown = await postRaw(`${plain.url}/v1/chat/completions`, {
      model: M,
      messages,
      tools,
      tool_choice: { type: 'function', function: { name: 'nope' } },
    });
    expect(JSON.parse(unknown.text).error.message).toContain('The tool specified in `tool_choice` does not match any of the specified `tools`');
    const missing = await postRaw(`${plain.url}/v1/chat/completions`, { model: 'no-such-model', messages, tools });
    expect(missing.status).toBe(404);
  });

  it('applies to /v1/messages and count_tokens, which vLLM serves through its chat handler', async () => {
    const anthropic = new Anthropic({ baseURL: plain.url, apiKey: 'x', maxRetries: 0 });
    const anthropicTools = [{ name: 'get_weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } }];
    const err = await anthropic.messages
      .create({ model: M, max_tokens: 16, tools: anthropicTools, messages: [{ role: 'user', content: 'Weather?' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as { error: unknown }).error).toEqual({ type: 'error', error: { type: 'BadRequestError', message: AUTO } });
    const any = await postRaw(`${plain.url}/v1/messages`, {
      model: M,
      max_tokens: 8,
      tools: anthropicTools,
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(JSON.parse(any.text).error.message).toBe(REQUIRED);
    const count = await postRaw(`${plain.url}/v1/messages/count_tokens`, { model: M, tools: anthropicTools, messages: [{ role: 'user', content: 'x' }] });
    expect(count.status).toBe(400);
    const none = await anthropic.messages.create({
      model: M,
      max_tokens: 8,
      tools: anthropicTools,
      tool_choice: { type: 'none' },
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    expect(none.content.every((b) => b.type !== 'tool_use')).toBe(true);
  });

  it('lets /v1/responses take tools and answer in text, as vLLM without a tool parser', async () => {
    const r = await client.responses.create({
      model: M,
      input: 'weather in Paris?',
      max_output_tokens: 16,
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: false }],
      tool_choice: 'required',
    });
    expect(r.status).not.toBe('failed');
    expect(r.output.some((o) => o.type === 'function_call')).toBe(false);
    expect(r.tool_choice).toBe('required');
  });

  it('lets Ollama /api/chat take tools, as Ollama does', async () => {
    const raw = await postRaw(`${plain.url}/api/chat`, {
      model: M,
      stream: false,
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }],
      options: { num_predict: 8 },
    });
    expect(raw.status).toBe(200);
  });

  it('leaves nothing running after the refusals', async () => {
    expect(await (await fetch(`${plain.url}/load`)).json()).toEqual({ server_load: 0 });
  });
});

describe('tool choice with --enable-auto-tool-choice --tool-call-parser hermes', () => {
  it('answers "auto" (and tools alone) with tool calls or text', async () => {
    for (const tool_choice of ['auto', undefined] as const) {
      const r = await toolClient.chat.completions.create({ model: M, messages, tools, ...(tool_choice ? { tool_choice } : {}) });
      const choice = r.choices[0]!;
      expect(['tool_calls', 'stop', 'length']).toContain(choice.finish_reason);
      if (choice.finish_reason === 'tool_calls') expect(choice.message.tool_calls![0]!.type).toBe('function');
    }
  });

  it('always calls with "required" and calls the named function', async () => {
    const req = await toolClient.chat.completions.create({ model: M, messages, tools, tool_choice: 'required' });
    expect(req.choices[0]!.finish_reason).toBe('tool_calls');
    const named = await toolClient.chat.completions.create({ model: M, messages, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    const call = named.choices[0]!.message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function.name).toBe('get_weather');
    expect(typeof JSON.parse(call.function.arguments).city).toBe('string');
  });

  it('answers "none" in text', async () => {
    const r = await toolClient.chat.completions.create({ model: M, messages, tools, tool_choice: 'none', max_tokens: 8 });
    expect(r.choices[0]!.message.tool_calls ?? []).toEqual([]);
  });

  it('an explicit tool_choice null renders the tools and answers in text, but a stream is parsed as "auto" (vLLM)', async () => {
    // vLLM's full generator answers `not request.tool_choice` in text; its stream runs the tool parser for any choice
    // but "none". Find a seed at which "auto" calls, then compare.
    const NULL = null as unknown as 'none';
    let seed = 0;
    for (; seed < 40; seed++) {
      const auto = await toolClient.chat.completions.create({ model: M, messages, tools, tool_choice: 'auto', seed, max_tokens: 64 });
      if (auto.choices[0]!.finish_reason === 'tool_calls') break;
    }
    expect(seed).toBeLessThan(40);
    const full = await toolClient.chat.completions.create({ model: M, messages, tools, tool_choice: NULL, seed, max_tokens: 64 });
    expect(full.choices[0]!.message.tool_calls ?? []).toEqual([]);
    expect(full.choices[0]!.finish_reason).not.toBe('tool_calls');
    const none = await toolClient.chat.completions.create({ model: M, messages, tools, tool_choice: 'none', seed, max_tokens: 64 });
    expect(full.usage!.prompt_tokens).toBe(none.usage!.prompt_tokens);
    expect(full.choices[0]!.message.content).toBe(none.choices[0]!.message.content);

    const names = async (tool_choice: 'auto' | 'none') => {
      const stream = await toolClient.chat.completions.create({ model: M, messages, tools, tool_choice, seed, max_tokens: 64, stream: true });
      const calls: string[] = [];
      let finish: string | null = null;
      for await (const chunk of stream) {
        for (const c of chunk.choices[0]?.delta.tool_calls ?? []) if (c.function?.name) calls.push(c.function.name);
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      return { calls, finish };
    };
    const streamedNull = await names(NULL);
    expect(streamedNull.calls.length).toBeGreaterThan(0);
    expect(streamedNull.finish).toBe('tool_calls');
    expect(streamedNull).toEqual(await names('auto'));
    // Without tools, null is no tool use at all (vLLM's check skips it).
    const bare = await toolClient.chat.completions.create({ model: M, messages, tool_choice: NULL, max_tokens: 8 });
    expect(bare.choices[0]!.message.tool_calls ?? []).toEqual([]);
  });

  it('returns function_call items on /v1/responses', async () => {
    const r = await toolClient.responses.create({
      model: M,
      input: 'weather?',
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} }, strict: false }],
      tool_choice: 'required',
    });
    expect(r.output.some((o) => o.type === 'function_call')).toBe(true);
  });

  it('leaves nothing running', async () => {
    expect(await (await fetch(`${enabled.url}/load`)).json()).toEqual({ server_load: 0 });
  });
});
