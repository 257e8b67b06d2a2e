/** The official `openai` SDK against llmsim over loopback: both modes, n, stop, logprobs, determinism, embeddings, models, typed errors. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let client: OpenAI;
const MODEL = 'Qwen/Qwen3-8B';
const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You are helpful.' },
  { role: 'user', content: 'Explain caching.' },
];

beforeAll(async () => {
  sim = await startTestServer();
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());

const tokenCount = async (text: string): Promise<number> =>
  (JSON.parse((await postRaw(`${sim.url}/tokenize`, { prompt: text, add_special_tokens: false })).text) as { count: number }).count;

describe('chat completions through the SDK', () => {
  it('returns the same content streamed and not, with consistent usage', async () => {
    const plain = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 60, seed: 3 });
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 60,
      seed: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(plain.choices[0]!.message.content);
    expect(finish).toBe(plain.choices[0]!.finish_reason);
    expect(usage).toEqual({
      prompt_tokens: plain.usage!.prompt_tokens,
      total_tokens: plain.usage!.total_tokens,
      completion_tokens: plain.usage!.completion_tokens,
    });
    const t = JSON.parse((await postRaw(`${sim.url}/tokenize`, { messages })).text) as { count: number };
    expect(plain.usage!.prompt_tokens).toBe(t.count);
    const eos = plain.choices[0]!.finish_reason === 'stop' ? 1 : 0;
    expect((await tokenCount(plain.choices[0]!.message.content!)) + eos).toBe(plain.usage!.completion_tokens);
  });

  it('gives n independent choices', async () => {
    const r = await client.chat.completions.create({ model: MODEL, messages, max_tokens: 30, n: 3 });
    expect(r.choices.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(r.choices.map((c) => c.message.content)).size).toBe(3);
  });

  it('stops at a stop string with vLLM stop_reason, and keeps it with include_stop_str_in_output', async () => {
    const base = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 80,
      ignore_eos: true,
      seed: 5,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const content = base.choices[0]!.message.content!;
    const stop = content.split(' ').slice(4, 6).join(' ');
    const r = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 80,
      ignore_eos: true,
      seed: 5,
      stop: [stop],
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(r.choices[0]!.message.content).toBe(content.slice(0, content.indexOf(stop)));
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect((r.choices[0] as unknown as { stop_reason: string }).stop_reason).toBe(stop);
    const kept = await client.chat.completions.create({
      model: MODEL,
      messages,
      max_tokens: 80,
      ignore_eos: true,
      seed: 5,
      stop: [stop],
      include_stop_str_in_output: true,
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(kept.choices[0]!.message.content).toBe(content.slice(0, content.indexOf(stop) + stop.length));
  });

  it('returns top_logprobs per token, identical streamed and not', async () => {
    const body = { model: MODEL, messages, max_tokens: 12, logprobs: true, top_logprobs: 3, seed: 1 } as const;
    const plain = await client.chat.completions.create(body);
    const lp = plain.choices[0]!.logprobs!.content!;
    expect(lp).toHaveLength(plain.usage!.completion_tokens);
    for (const t of lp) {
      expect(t.top_logprobs).toHaveLength(3);
      expect(t.logprob).toBeLessThan(0);
      expect(t.bytes).toEqual(Array.from(Buffer.from(t.token)));
    }
    const stream = await client.chat.completions.create({ ...body, stream: true });
    const streamed: OpenAI.ChatCompletionTokenLogprob[] = [];
    for await (const chunk of stream) streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
    expect(streamed).toEqual(lp);
  });

  it('gives byte-identical bodies but the unique id for the same seed and request, different ones for another seed', async () => {
    const body = { messages, max_tokens: 40, seed: 42, temperature: 0.8 };
    const a = await postRaw(`${sim.url}/v1/chat/completions`, body);
    const b = await postRaw(`${sim.url}/v1/chat/completions`, body);
    const [ida, idb] = [JSON.parse(a.text).id as string, JSON.parse(b.text).id as string];
    expect(ida).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(idb).not.toBe(ida);
    expect(b.text.replace(idb, ida)).toBe(a.text);
    const c = await postRaw(`${sim.url}/v1/chat/completions`, { ...body, seed: 43 });
    expect(JSON.parse(c.text).choices[0].message.content).not.toBe(JSON.parse(a.text).choices[0].message.content);
  });
});

describe('completions through the SDK', () => {
  it('serves text, token-id and batched prompts, streaming and not', async () => {
    const r = await client.completions.create({ model: MODEL, prompt: ['Once upon a time', 'The quick brown fox'], max_tokens: 10, n: 2 });
    expect(r.choices.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    const ids = await client.completions.create({ model: MODEL, prompt: [9707, 11, 1879], max_tokens: 5 });
    expect(ids.usage!.prompt_tokens).toBe(3);
    const stream = await client.completions.create({ model: MODEL, prompt: 'Once upon a time', max_tokens: 10, seed: 2, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    const plain = await client.completions.create({ model: MODEL, prompt: 'Once upon a time', max_tokens: 10, seed: 2 });
    expect(text).toBe(plain.choices[0]!.text);
  });

  it('echoes the prompt and returns legacy logprobs', async () => {
    const r = await client.completions.create({ model: MODEL, prompt: 'Hello world', max_tokens: 4, echo: true, logprobs: 2 });
    const c = r.choices[0]!;
    expect(c.text.startsWith('Hello world')).toBe(true);
    expect(c.logprobs!.token_logprobs![0]).toBeNull();
    expect(c.logprobs!.tokens!.join('')).toBe(c.text);
  });
});

describe('embeddings and models through the SDK', () => {
  it('round-trips base64 (the SDK default) to the float vectors', async () => {
    const viaBase64 = await client.embeddings.create({ model: MODEL, input: ['the prefix cache', 'bananas'] });
    const viaFloat = await client.embeddings.create({ model: MODEL, input: ['the prefix cache', 'bananas'], encoding_format: 'float' });
    expect(viaBase64.data[0]!.embedding).toEqual(viaFloat.data[0]!.embedding);
    const v = viaFloat.data[0]!.embedding;
    expect(Math.sqrt(v.reduce((s, x) => s + x * x, 0))).toBeCloseTo(1, 5);
    const short = await client.embeddings.create({ model: MODEL, input: 'x', dimensions: 64, encoding_format: 'float' });
    expect(short.data[0]!.embedding).toHaveLength(64);
  });

  it('ranks lexically similar texts higher', async () => {
    const [q, near, far] = (
      await client.embeddings.create({
        model: MODEL,
        input: ['how does the prefix cache work', 'the prefix cache keeps prompts', 'tropical fruit salad recipe'],
        encoding_format: 'float',
      })
    ).data.map((d) => d.embedding);
    const cos = (a: number[], b: number[]): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
    expect(cos(q!, near!)).toBeGreaterThan(cos(q!, far!));
  });

  it('lists and retrieves models with vLLM fields', async () => {
    const list = await client.models.list();
    expect(list.data[0]).toMatchObject({ id: MODEL, object: 'model', owned_by: 'vllm', root: MODEL, max_model_len: 40960 });
    expect((await client.models.retrieve(MODEL)).id).toBe(MODEL);
    await expect(client.models.retrieve('nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('errors through the SDK', () => {
  it('raises the typed error classes with vLLM messages', async () => {
    await expect(client.chat.completions.create({ model: 'nope', messages })).rejects.toMatchObject({
      status: 404,
      message: expect.stringContaining('The model `nope` does not exist.'),
    });
    await expect(client.chat.completions.create({ model: 'nope', messages })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const bad = client.chat.completions.create({ model: MODEL, messages, top_p: 0 });
    await expect(bad).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client.chat.completions.create({ model: MODEL, messages, top_p: 0 })).rejects.toMatchObject({
      message: expect.stringContaining('top_p must be in (0, 1], got 0.0.'),
    });
  });
});

describe('GET /load', () => {
  it('counts a stream in flight and drops back to 0 when it ends', async () => {
    expect(await (await fetch(`${sim.url}/load`)).json()).toEqual({ server_load: 0 });
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages, max_tokens: 5000, ignore_eos: true, stream: true }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect(await (await fetch(`${sim.url}/load`)).json()).toEqual({ server_load: 1 });
    await reader.cancel();
    await postRaw(`${sim.url}/v1/chat/completions`, { messages, max_tokens: 2 });
    expect(await (await fetch(`${sim.url}/load`)).json()).toEqual({ server_load: 0 });
  });
});
