/**
 * Every dialect prepares on the pool: Ollama (generate, chat, embed), Anthropic (messages, count_tokens), Responses
 * (with a stored conversation continued by `previous_response_id`, which the engine's thread looks up), vLLM
 * tokenize/detokenize and OpenAI embeddings answer byte for byte the same with 0, 1 and 2 preparation workers,
 * through their official clients; a job past --max-prepare-ms is a 400 in each dialect's own envelope. No sleeps.
 */
import { describe, it, expect, afterAll } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import { AUTO_TOOLS, startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import type { PreparePool } from '../../src/pipeline/prepare-pool.ts';

const M = 'Qwen/Qwen3-8B';
const sims: Simulator[] = [];
afterAll(() => Promise.all(sims.map((s) => s.close())));

async function start(workers: number, extra: Record<string, unknown> = {}): Promise<Simulator> {
  const sim = await startTestServer({ ...AUTO_TOOLS, prepareWorkers: workers, safety: { responsesStore: { enabled: true } }, ...extra });
  sims.push(sim);
  return sim;
}

/** Per-request ids and clock readings differ by design; everything else must not. */
const stable = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/"(chatcmpl|cmpl|msg|resp|rs|fc|embd)[-_][0-9a-zA-Z]+"/g, '"<id>"')
    .replace(/"(created|created_at)":("[^"]*"|\d+)/g, '"$1":0');

const user = [{ role: 'user' as const, content: 'Explain caching in two sentences.' }];
const weather = {
  name: 'get_weather',
  description: 'Weather',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

async function answers(sim: Simulator): Promise<string[]> {
  const ollama = new Ollama({ host: sim.url });
  const anthropic = new Anthropic({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
  const openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const out: unknown[] = [];
  out.push(await ollama.generate({ model: M, prompt: 'Once upon a time', options: { num_predict: 20, seed: 3 } }));
  out.push(
    await ollama.chat({
      model: M,
      messages: user,
      format: { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] },
      options: { num_predict: 40 },
    }),
  );
  let streamed = '';
  for await (const part of await ollama.chat({ model: M, messages: user, stream: true, options: { num_predict: 16 } })) streamed += part.message.content;
  out.push(streamed);
  out.push(await ollama.generate({ model: M, prompt: '' }));
  out.push(await ollama.embed({ model: M, input: ['a cat', 'a dog'], dimensions: 8 }));
  out.push(await anthropic.messages.create({ model: M, max_tokens: 30, messages: user }));
  out.push(
    await anthropic.messages.create({
      model: M,
      max_tokens: 60,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [weather],
      tool_choice: { type: 'any' },
    }),
  );
  out.push(await anthropic.messages.countTokens({ model: M, messages: user }));
  const events: string[] = [];
  for await (const e of await anthropic.messages.create({ model: M, max_tokens: 12, messages: user, stream: true })) events.push(e.type);
  out.push(events);
  const first = await openai.responses.create({ model: M, input: 'My name is Ada.', max_output_tokens: 8 });
  out.push(first);
  out.push(await openai.responses.create({ model: M, input: 'What is my name?', previous_response_id: first.id, max_output_tokens: 8 }));
  out.push(await postRaw(`${sim.url}/tokenize`, { model: M, messages: user, return_token_strs: true }).then((r) => r.text));
  out.push(await postRaw(`${sim.url}/detokenize`, { model: M, tokens: [9707, 11, 1879] }).then((r) => r.text));
  out.push(await openai.embeddings.create({ model: M, input: ['one', 'two'], dimensions: 4 }));
  return out.map(stable);
}

describe('every dialect on the preparation pool', () => {
  it('answers byte for byte the same with 0, 1 and 2 workers', async () => {
    const [inline, one, two] = await Promise.all([start(0), start(1), start(2)]);
    const expected = await answers(inline!);
    expect(expected).toHaveLength(14);
    expect(await answers(one!)).toEqual(expected);
    expect(await answers(two!)).toEqual(expected);
    // The continued conversation reached the worker: its prompt holds the first turn, so it is longer.
    const [firstTurn, secondTurn] = [JSON.parse(expected[9]!), JSON.parse(expected[10]!)] as { usage: { input_tokens: number } }[];
    expect(secondTurn!.usage.input_tokens).toBeGreaterThan(firstTurn!.usage.input_tokens + 5);
    for (const sim of [inline!, one!, two!]) expect(await fetch(`${sim.url}/load`).then((r) => r.json())).toEqual({ server_load: 0 });
  }, 120_000);

  it('answers a missing previous response and invalid bodies as inline preparation does', async () => {
    const [inline, one] = await Promise.all([start(0), start(1)]);
    const cases: [string, unknown][] = [
      ['/v1/responses', { model: M, input: 'x', previous_response_id: 'resp_nope' }],
      ['/v1/responses', { model: M, input: 'x', previous_response_id: 'nope' }],
      ['/v1/responses', { model: M }],
      ['/api/chat', { model: 'missing', messages: user }],
      ['/api/generate', { model: M, prompt: 7 }],
      ['/v1/messages', { model: M, messages: user }],
      ['/v1/messages/count_tokens', { model: 'missing', messages: user }],
      ['/tokenize', { model: M, prompt: 'x', messages: 3 }],
      ['/detokenize', { model: M, tokens: [-1] }],
      ['/v1/embeddings', { model: M, input: [] }],
      ['/api/embed', { model: M }],
    ];
    for (const [path, body] of cases) {
      const a = await postRaw(`${inline!.url}${path}`, body);
      const b = await postRaw(`${one!.url}${path}`, body);
      expect(a.status, path).toBeGreaterThanOrEqual(400);
      expect(a.status, path).toBeLessThan(500);
      expect([b.status, b.text], path).toEqual([a.status, a.text]);
    }
  }, 60_000);

  it('stops a job past --max-prepare-ms with a 400 in each dialect’s envelope, and keeps serving', async () => {
    const sim = await start(1, { maxPrepareMs: 1 });
    const words = Array.from({ length: 150_000 }, (_, i) => `w${(i * 7919) % 100_003}`).join(' ');
    const [ollama, anthropic, responses, tokenize] = await Promise.all([
      postRaw(`${sim.url}/api/chat`, { model: M, messages: [{ role: 'user', content: words }], stream: false }),
      postRaw(`${sim.url}/v1/messages`, { model: M, max_tokens: 4, messages: [{ role: 'user', content: words }] }),
      postRaw(`${sim.url}/v1/responses`, { model: M, input: words, max_output_tokens: 4 }),
      postRaw(`${sim.url}/tokenize`, { model: M, prompt: words }),
    ]);
    for (const r of [ollama, anthropic, responses, tokenize]) expect(r.status).toBe(400);
    expect(JSON.parse(ollama.text)).toEqual({ error: expect.stringContaining('--max-prepare-ms') });
    expect(JSON.parse(anthropic.text)).toEqual({ type: 'error', error: { type: expect.any(String), message: expect.stringContaining('--max-prepare-ms') } });
    expect(JSON.parse(responses.text).error.message).toContain('--max-prepare-ms');
    expect(JSON.parse(tokenize.text).error.message).toContain('--max-prepare-ms');
    expect((sim.ctx.preparer as PreparePool).threads()).toBe(1);
    expect(await fetch(`${sim.url}/load`).then((r) => r.json())).toEqual({ server_load: 0 });
  }, 60_000);

  it('hands large bodies (> 48 KiB) to workers as bytes: the same answers, multi-byte text and invalid UTF-8 included', async () => {
    const [inline, one] = await Promise.all([start(0), start(1)]);
    // ~70 KB of mixed scripts: multi-byte characters land on every chunk boundary of the upload.
    const text = Array.from({ length: 2500 }, (_, i) => `${i} café 東京 🚀 `).join('');
    const bodies: [string, string | Uint8Array][] = [
      ['/v1/chat/completions', JSON.stringify({ model: M, messages: [{ role: 'user', content: text }], max_tokens: 12 })],
      ['/v1/completions', JSON.stringify({ model: M, prompt: text, max_tokens: 12, echo: false })],
      ['/api/chat', JSON.stringify({ model: M, messages: [{ role: 'user', content: text }], stream: false, options: { num_predict: 12 } })],
      ['/v1/messages', JSON.stringify({ model: M, max_tokens: 12, messages: [{ role: 'user', content: text }] })],
      ['/tokenize', JSON.stringify({ model: M, prompt: text })],
      // Bytes that are not UTF-8 inside a string decode to U+FFFD, as they did when bodies were read as text.
      ['/tokenize', Buffer.concat([Buffer.from(`{"model":"${M}","prompt":"${'a'.repeat(60_000)}`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')])],
    ];
    for (const [path, body] of bodies) {
      const send = (sim: Simulator) =>
        fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(async (r) => [
          r.status,
          stable(JSON.parse(await r.text())),
        ]);
      const a = await send(inline!);
      expect(a[0], path).toBe(200);
      expect(await send(one!), path).toEqual(a);
    }
    // A continued Responses request keeps its bytes for the second run (the stored conversation is looked up first).
    const openai = new OpenAI({ baseURL: `${one!.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const first = await openai.responses.create({ model: M, input: 'Remember: blue.', max_output_tokens: 4 });
    const next = await openai.responses.create({ model: M, input: text, previous_response_id: first.id, max_output_tokens: 4 });
    expect(next.usage!.input_tokens).toBeGreaterThan(first.usage!.input_tokens + 20_000);
    for (const sim of [inline!, one!]) expect(await fetch(`${sim.url}/load`).then((r) => r.json())).toEqual({ server_load: 0 });
  }, 60_000);
});
