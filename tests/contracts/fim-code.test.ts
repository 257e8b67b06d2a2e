/**
 * Fill-in-the-middle and code answers through real clients over loopback: the `openai` SDK (`/v1/completions` with
 * `suffix`, a completion prompt of code, a chat request for code) and the `ollama` client (`/api/generate` with
 * `suffix`). Shapes, token counts against the server's own tokenizer, and byte-identical answers for the same seed.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { Ollama } from 'ollama';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let client: OpenAI;
let ollama: Ollama;
const M = 'Qwen/Qwen3-8B';

beforeAll(async () => {
  sim = await startTestServer({ enableSuffix: true });
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  ollama = new Ollama({ host: sim.url });
});
afterAll(() => sim.close());

/** Tokens the server's tokenizer gives `text` (no special tokens added). */
async function tokens(text: string): Promise<number> {
  return (JSON.parse((await postRaw(`${sim.url}/tokenize`, { model: M, prompt: text, add_special_tokens: false })).text) as { count: number }).count;
}

/** Generated tokens for a text and its finish: an answer that stopped on its own also generated the EOS token. */
const generated = async (text: string, finish?: string | null): Promise<number> => (await tokens(text)) + (finish === 'stop' ? 1 : 0);

/** Response ids and `created` differ per request by design; everything else must not. */
const stable = (text: string): string => text.replace(/"(chatcmpl|cmpl)-[0-9a-zA-Z]+"/g, '"<id>"').replace(/"created":\d+/g, '"created":0');

describe('fill-in-the-middle through the openai SDK', () => {
  it('answers /v1/completions with suffix by a middle that defines what the suffix reads, counted by the tokenizer', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const r = await client.completions.create({ model: M, prompt: 'def add(a, b):\n', suffix: '\n    return c\n', max_tokens: 64, seed });
      const choice = r.choices[0]!;
      expect(r.object).toBe('text_completion');
      expect(choice.finish_reason).toBe('stop');
      expect(choice.text).toMatch(/^ {4}c = .*\b(?:a|b)\b/);
      // The suffix starts with a line break: the middle ends at the end of its last statement.
      expect(choice.text.endsWith('\n')).toBe(false);
      expect(r.usage!.completion_tokens).toBe(await generated(choice.text, choice.finish_reason));
    }
  });

  it('fills a JavaScript body with statements over its parameters and stops at max_tokens exactly', async () => {
    const body = { model: M, prompt: 'function area(width, height) {\n  ', suffix: '\n}\n', max_tokens: 80, seed: 5 };
    const r = await client.completions.create(body);
    const text = r.choices[0]!.text;
    expect(text).toMatch(/\b(?:width|height)\b/);
    expect(text).toMatch(/;$/);
    const cut = await client.completions.create({ ...body, max_tokens: 3 });
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(cut.usage!.completion_tokens).toBe(3);
    expect(await tokens(cut.choices[0]!.text)).toBe(3);
    expect(text.startsWith(cut.choices[0]!.text)).toBe(true);
  });

  it('gives byte-identical bodies for the same seed, and the streamed text equals the whole one', async () => {
    const body = { model: M, prompt: 'int sum(int *values, int n) {\n    ', suffix: '\n    return total;\n}\n', max_tokens: 50, seed: 9 };
    const a = stable(await (await client.completions.create(body).asResponse()).text());
    const b = stable(await (await client.completions.create(body).asResponse()).text());
    expect(b).toBe(a);
    let streamed = '';
    for await (const chunk of await client.completions.create({ ...body, stream: true })) streamed += chunk.choices[0]?.text ?? '';
    expect(streamed).toBe((JSON.parse(a) as { choices: { text: string }[] }).choices[0]!.text);
    expect(streamed).toMatch(/^int total = /);
  });
});

describe('code prompts through the openai SDK', () => {
  it('continues a completion prompt of code with code of the same family', async () => {
    const cases: [string, RegExp][] = [
      ['def ', /^\w+\([\w, ]*\):\n {4}\S/],
      ['function add(a, b) {', /^\n {2}\S[\s\S]*\b(?:a|b)\b/],
      ['#include <stdio.h>\n', /^int main\(void\) \{\n {4}\S/],
    ];
    for (const [prompt, shape] of cases) {
      const r = await client.completions.create({ model: M, prompt, max_tokens: 60, seed: 2 });
      const choice = r.choices[0]!;
      expect(choice.text).toMatch(shape);
      expect(r.usage!.completion_tokens).toBe(await generated(choice.text, choice.finish_reason));
    }
    const prose = await client.completions.create({ model: M, prompt: 'Once upon a time', max_tokens: 30, seed: 2 });
    expect(prose.choices[0]!.text).not.toMatch(/[(){};=]/);
  });

  it('answers a chat request for code with a fenced block, counted by the tokenizer', async () => {
    const body = { model: M, messages: [{ role: 'user' as const, content: 'Write a Python function that reverses a string' }], max_tokens: 3000, seed: 4 };
    const r = await client.chat.completions.create(body);
    const content = r.choices[0]!.message.content!;
    expect(r.choices[0]!.finish_reason).toBe('stop');
    expect(content).toMatch(/```python\ndef reverse_string\([\w, ]*\):\n {4}\S[\s\S]*\n```/);
    expect(r.usage!.completion_tokens).toBe(await generated(content, r.choices[0]!.finish_reason));
    const again = await client.chat.completions.create(body);
    expect(again.choices[0]!.message.content).toBe(content);
  });
});

describe('fill-in-the-middle through the ollama client', () => {
  it('answers /api/generate with suffix by a middle, eval_count equal to the tokens, the same for the same seed', async () => {
    const request = { model: M, prompt: 'def area(r):\n    ', suffix: '\n    return result\n', options: { num_predict: 40, seed: 6 }, think: false };
    const r = await ollama.generate({ ...request, stream: false });
    expect(r.done).toBe(true);
    expect(r.response).toMatch(/^result = .*\br\b/);
    expect(r.eval_count).toBe(await generated(r.response ?? '', r.done_reason));
    const again = await ollama.generate({ ...request, stream: false });
    expect(again.response).toBe(r.response);
    let streamed = '';
    for await (const part of await ollama.generate({ ...request, stream: true })) streamed += part.response;
    expect(streamed).toBe(r.response);
  });
});
