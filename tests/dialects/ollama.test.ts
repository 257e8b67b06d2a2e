/** The Ollama native API through the official `ollama` npm client, plus raw NDJSON framing. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Ollama } from 'ollama';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let ollama: Ollama;
const M = 'Qwen/Qwen3-8B';

beforeAll(async () => {
  sim = await startTestServer({ reasoningParser: 'qwen3' });
  ollama = new Ollama({ host: sim.url });
});
afterAll(() => sim.close());

describe('Ollama API through the ollama client', () => {
  it('generates, streaming and not, with nanosecond durations from the simulated timeline', async () => {
    const whole = await ollama.generate({ model: `${M}:latest`, prompt: 'Why is the sky blue?', options: { num_predict: 24, seed: 3 }, think: false });
    expect(whole.done).toBe(true);
    expect(whole.eval_count).toBeGreaterThan(0);
    expect(Number.isInteger(whole.total_duration)).toBe(true);
    expect(whole.total_duration).toBeGreaterThanOrEqual(whole.eval_duration);
    let text = '';
    let last: { done: boolean; done_reason?: string; eval_count?: number } | null = null;
    for await (const part of await ollama.generate({
      model: M,
      prompt: 'Why is the sky blue?',
      options: { num_predict: 24, seed: 3 },
      think: false,
      stream: true,
    })) {
      text += part.response;
      last = part;
    }
    expect(text).toBe(whole.response);
    expect(last?.done).toBe(true);
    expect(last?.eval_count).toBe(whole.eval_count);
  });

  it('chats, streams thinking before content, and counts like the OpenAI API', async () => {
    const messages = [{ role: 'user', content: 'Hello!' }];
    const r = await ollama.chat({ model: M, messages, options: { num_predict: 3000, seed: 1 }, think: true });
    expect(r.message.thinking?.length).toBeGreaterThan(0);
    const order: string[] = [];
    for await (const part of await ollama.chat({ model: M, messages, options: { num_predict: 3000, seed: 1 }, think: true, stream: true })) {
      if (part.message.thinking) order.push('t');
      if (part.message.content) order.push('c');
    }
    expect(order[0]).toBe('t');
    const openai = JSON.parse((await postRaw(`${sim.url}/v1/chat/completions`, { model: M, messages, max_tokens: 3000, seed: 1 })).text);
    expect(r.prompt_eval_count).toBe(openai.usage.prompt_tokens);
    expect(r.message.content).toBe(openai.choices[0].message.content ?? '');
    expect(r.message.thinking).toBe(openai.choices[0].message.reasoning_content);
    expect(r.eval_count).toBe(openai.usage.completion_tokens);
  });

  it('returns JSON for format json and for a schema, and whole tool calls', async () => {
    const json = await ollama.chat({ model: M, messages: [{ role: 'user', content: 'json' }], format: 'json', think: false });
    expect(typeof JSON.parse(json.message.content)).toBe('object');
    const schema = { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city', 'days'] };
    const structured = await ollama.chat({ model: M, messages: [{ role: 'user', content: 'plan' }], format: schema, think: false });
    expect(new Ajv2020().validate(schema, JSON.parse(structured.message.content))).toBe(true);
    const tools = [
      {
        type: 'function',
        function: { name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      },
    ];
    let called: { function: { name: string; arguments: Record<string, unknown> } }[] = [];
    for (let seed = 1; called.length === 0 && seed < 10; seed++) {
      const r = await ollama.chat({ model: M, messages: [{ role: 'user', content: 'weather in Paris?' }], tools, options: { seed }, think: false });
      called = (r.message.tool_calls ?? []) as typeof called;
    }
    expect(called[0]?.function.name).toBe('get_weather');
    expect(typeof called[0]?.function.arguments['city']).toBe('string');
  });

  it('embeds, lists, shows and reports running models and the version', async () => {
    const e = await ollama.embed({ model: M, input: ['hello world', 'bananas'] });
    expect(e.embeddings).toHaveLength(2);
    expect(Math.hypot(...e.embeddings[0]!)).toBeCloseTo(1, 5);
    const legacy = await ollama.embeddings({ model: M, prompt: 'hello world' });
    expect(legacy.embedding).toEqual(e.embeddings[0]);
    expect((await ollama.list()).models.map((m) => m.name)).toContain(`${M}:latest`);
    const show = await ollama.show({ model: M });
    expect(show.capabilities).toEqual(expect.arrayContaining(['completion', 'tools', 'insert', 'thinking']));
    expect((await ollama.ps()).models[0]?.name).toBe(`${M}:latest`);
    expect((await ollama.version()).version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('fills in the middle with suffix (insert capability)', async () => {
    const r = await ollama.generate({ model: M, prompt: 'def add(a, b):\n', suffix: '\n    return c\n', options: { num_predict: 20 }, think: false });
    expect(r.response).toMatch(/[=():]/);
  });

  it('answers 404 with Ollama wording and bare-string errors', async () => {
    await expect(ollama.chat({ model: 'nope', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status_code: 404,
      error: "model 'nope' not found",
    });
    const bad = await postRaw(`${sim.url}/api/generate`, { prompt: 'x' });
    expect(bad.status).toBe(400);
    expect(typeof JSON.parse(bad.text).error).toBe('string');
  });
});

describe('Ollama wire format', () => {
  it('streams NDJSON by default: one compact JSON object per line, final line done with integer durations', async () => {
    const res = await fetch(`${sim.url}/api/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: M, prompt: 'hi', think: false, options: { num_predict: 5 } }),
    });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.slice(0, -1).every((l) => l['done'] === false && typeof l['created_at'] === 'string')).toBe(true);
    const last = lines[lines.length - 1]!;
    expect(last).toMatchObject({ done: true, done_reason: 'length', eval_count: 5 });
    for (const k of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration']) expect(Number.isInteger(last[k])).toBe(true);
    expect(String(last['created_at'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it('answers GET / and HEAD / like Ollama', async () => {
    const r = await fetch(`${sim.url}/`);
    expect(await r.text()).toBe('Ollama is running');
    expect((await fetch(`${sim.url}/`, { method: 'HEAD' })).status).toBe(200);
  });
});
