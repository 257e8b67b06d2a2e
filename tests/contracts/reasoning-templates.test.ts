import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let client: OpenAI;
const QWEN = 'Qwen/Qwen3-8B';
const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';
const GEMMA = 'google/gemma-3-12b-it';

beforeAll(async () => {
  sim = await startTestServer({ models: [QWEN, LLAMA, GEMMA], reasoningParser: 'qwen3', enableSuffix: true, safety: { trustRequestChatTemplate: true } });
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());

const tokenize = async (body: Record<string, unknown>): Promise<{ count: number; tokens: number[] }> =>
  JSON.parse((await postRaw(`${sim.url}/tokenize`, body)).text);

describe('reasoning models', () => {
  it('puts thinking in reasoning_content before the answer and counts its tokens', async () => {
    const r = await client.chat.completions.create({
      model: QWEN,
      seed: 2,
      ignore_eos: true,
      max_tokens: 400,
      messages: [{ role: 'user', content: 'Why?' }],
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const message = r.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string; reasoning?: string };
    expect(message.reasoning_content!.length).toBeGreaterThan(20);
    expect(message.reasoning).toBe(message.reasoning_content);
    expect(message.content!.length).toBeGreaterThan(0);
    expect(r.usage!.completion_tokens).toBe(400);
  });

  it('streams reasoning deltas first, then content deltas', async () => {
    const stream = await client.chat.completions.create({ model: QWEN, seed: 2, max_tokens: 400, stream: true, messages: [{ role: 'user', content: 'Why?' }] });
    const order: string[] = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning?: string; content?: string } | undefined;
      if (delta?.reasoning) order.push('r');
      if (delta?.content) order.push('c');
    }
    expect(order[0]).toBe('r');
    expect(order.lastIndexOf('r')).toBeLessThan(order.indexOf('c'));
  });

  it('thinks less at low reasoning_effort and not at all with enable_thinking false', async () => {
    const base = { model: QWEN, max_tokens: 2000, messages: [{ role: 'user' as const, content: 'Why?' }] };
    const lengths = async (extra: Record<string, unknown>): Promise<number> => {
      let total = 0;
      for (const seed of [1, 2, 3, 4, 5]) {
        const r = await client.chat.completions.create({ ...base, seed, ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming);
        total += ((r.choices[0]!.message as { reasoning_content?: string | null }).reasoning_content ?? '').length;
      }
      return total;
    };
    expect(await lengths({ reasoning_effort: 'low' })).toBeLessThan(await lengths({ reasoning_effort: 'high' }));
    const off = await client.chat.completions.create({
      ...base,
      chat_template_kwargs: { enable_thinking: false },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect((off.choices[0]!.message as { reasoning_content?: string | null }).reasoning_content).toBeNull();
  });
});

describe('chat templates per model family', () => {
  const messages = [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello there' },
  ];

  it('uses each model’s own template and tokenizer for prompt_tokens', async () => {
    const counts: number[] = [];
    for (const model of [QWEN, LLAMA, GEMMA]) {
      const t = await tokenize({ model, messages });
      const r = await client.chat.completions.create({ model, messages: messages as OpenAI.ChatCompletionMessageParam[], max_tokens: 3 });
      expect(r.usage!.prompt_tokens).toBe(t.count);
      counts.push(t.count);
    }
    const text = async (model: string) =>
      JSON.parse((await postRaw(`${sim.url}/detokenize`, { model, tokens: (await tokenize({ model, messages })).tokens })).text).prompt as string;
    expect(await text(QWEN)).toContain('<|im_start|>user\nHello there<|im_end|>');
    expect(await text(LLAMA)).toContain('<|start_header_id|>user<|end_header_id|>');
    expect(await text(GEMMA)).toContain('<start_of_turn>user');
    expect(new Set(counts).size).toBeGreaterThan(1);
  });

  it('honours add_generation_prompt, continue_final_message, chat_template_kwargs and a request chat_template', async () => {
    const withPrompt = await tokenize({ model: QWEN, messages });
    const without = await tokenize({ model: QWEN, messages, add_generation_prompt: false });
    expect(withPrompt.count).toBeGreaterThan(without.count);
    const cont = await tokenize({
      model: QWEN,
      messages: [...messages, { role: 'assistant', content: 'Sure, the answer' }],
      add_generation_prompt: false,
      continue_final_message: true,
    });
    const contText = JSON.parse((await postRaw(`${sim.url}/detokenize`, { tokens: cont.tokens })).text).prompt as string;
    expect(contText.endsWith('Sure, the answer')).toBe(true);
    const noThink = await tokenize({ model: QWEN, messages, chat_template_kwargs: { enable_thinking: false } });
    expect(noThink.count).toBeGreaterThan(withPrompt.count);
    const custom = await tokenize({ model: QWEN, messages, chat_template: '{% for m in messages %}{{ m.content }}{% endfor %}' });
    expect(custom.count).toBeLessThan(without.count);
  });
});

describe('fill-in-the-middle', () => {
  it('answers a raw FIM prompt with code, each marker counting as one token', async () => {
    const prompt = '<|fim_prefix|>def area(r):\n    <|fim_suffix|>\n    return result<|fim_middle|>';
    const t = await tokenize({ model: QWEN, prompt });
    for (const id of [151659, 151661, 151660]) expect(t.tokens.filter((x) => x === id)).toHaveLength(1);
    const r = await client.completions.create({
      model: QWEN,
      prompt,
      max_tokens: 40,
      temperature: 0.2,
      stop: ['<|endoftext|>', '<|fim_prefix|>', '<|file_sep|>'],
    });
    expect(r.choices[0]!.text).toMatch(/[=():]/);
    expect(r.usage!.prompt_tokens).toBe(t.count);
  });

  it('builds the FIM prompt from suffix with --enable-suffix', async () => {
    const r = await client.completions.create({ model: QWEN, prompt: 'def add(a, b):\n', suffix: '\n    return c\n', max_tokens: 20 });
    const t = await tokenize({ model: QWEN, prompt: '<|fim_prefix|>def add(a, b):\n<|fim_suffix|>\n    return c\n<|fim_middle|>' });
    expect(r.usage!.prompt_tokens).toBe(t.count);
    expect(r.choices[0]!.text).toMatch(/[=():]/);
    const llama = await postRaw(`${sim.url}/v1/completions`, { model: LLAMA, prompt: 'x', suffix: 'y' });
    expect(llama.status).toBe(400);
  });
});
