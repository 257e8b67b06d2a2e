import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { AUTO_TOOLS, startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let client: OpenAI;
const MODEL = 'Qwen/Qwen3-8B';

const weather: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
};
const time: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } },
};

beforeAll(async () => {
  sim = await startTestServer(AUTO_TOOLS);
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());

const ask = [{ role: 'user' as const, content: 'What is the weather in Paris?' }];

describe('tool calls through the openai SDK', () => {
  it('always calls with tool_choice required, with schema-valid arguments and finish_reason tool_calls', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = await client.chat.completions.create({ model: MODEL, seed, messages: ask, tools: [weather, time], tool_choice: 'required' });
      const choice = r.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls!.length).toBeGreaterThan(0);
      for (const call of choice.message.tool_calls!) {
        if (call.type !== 'function') throw new Error('expected a function call');
        expect(call.id).toMatch(/^chatcmpl-tool-[0-9a-f]{32}$/);
        const args = JSON.parse(call.function.arguments) as Record<string, unknown>;
        if (call.function.name === 'get_weather') expect(['celsius', 'fahrenheit']).toContain(args['unit']);
        else expect(typeof args['zone']).toBe('string');
      }
    }
  });

  it('calls exactly the named function (finish "stop" when not streaming, as vLLM)', async () => {
    const r = await client.chat.completions.create({
      model: MODEL,
      messages: ask,
      tools: [weather, time],
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    expect(r.choices[0]!.message.tool_calls!.map((c) => (c.type === 'function' ? c.function.name : ''))).toEqual(['get_time']);
    expect(r.choices[0]!.finish_reason).toBe('stop');
  });

  it('streams tool-call deltas that assemble into the non-streamed calls', async () => {
    const body = { model: MODEL, seed: 7, messages: ask, tools: [weather, time], tool_choice: 'required' as const };
    const plain = await client.chat.completions.create(body);
    const stream = client.chat.completions.stream(body);
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.message.tool_calls).toEqual(plain.choices[0]!.message.tool_calls);
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('round-trips with runTools: the tool result is accepted and answered in text', async () => {
    // `auto` calls with the model's probability (0.8): use the first seed for which it decides to call.
    let seed = 1;
    while (
      (await client.chat.completions.create({ model: MODEL, seed, messages: ask, tools: [weather], tool_choice: 'auto' })).choices[0]!.finish_reason !==
      'tool_calls'
    )
      seed++;
    const calls: string[] = [];
    const runner = client.chat.completions.runTools({
      model: MODEL,
      seed,
      messages: ask,
      tool_choice: 'auto',
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather in a city',
            parameters: weather.function.parameters!,
            function: (args: { city: string }) => {
              calls.push(args.city);
              return { temperature: 21 };
            },
            parse: JSON.parse,
          },
        },
      ],
    });
    const content = await runner.finalContent();
    expect(calls.length).toBeGreaterThan(0);
    expect(typeof content).toBe('string');
    expect(content!.length).toBeGreaterThan(0);
  });

  it('counts assistant tool_calls and tool messages in the prompt, like /tokenize', async () => {
    const messages = [
      ...ask,
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temperature": 21}' },
    ];
    const r = await postRaw(`${sim.url}/v1/chat/completions`, { messages, tools: [weather] });
    const t = await postRaw(`${sim.url}/tokenize`, { messages, tools: [weather] });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).usage.prompt_tokens).toBe(JSON.parse(t.text).count);
    expect(JSON.parse(r.text).choices[0].message.tool_calls).toEqual([]);
  });

  it('validates tool_choice like vLLM', async () => {
    const post = (extra: Record<string, unknown>) => postRaw(`${sim.url}/v1/chat/completions`, { messages: ask, ...extra });
    const unknown = await post({ tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text).error.message).toContain('The tool specified in `tool_choice` does not match any of the specified `tools`');
    const invalid = await post({ tools: [weather], tool_choice: 'sometimes' });
    expect(JSON.parse(invalid.text).error.message).toContain(
      'Invalid value for `tool_choice`: sometimes! Only named tools, "none", "auto" or "required" are supported.',
    );
    const none = await post({ tools: [weather], tool_choice: 'none' });
    expect(JSON.parse(none.text).choices[0].message.tool_calls).toEqual([]);
  });
});
