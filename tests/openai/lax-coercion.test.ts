/**
 * vLLM's request models are pydantic models in lax mode: numeric strings for numbers, whole floats for integers,
 * `"true"`/`"yes"`/`1` for booleans. A client that sends `"max_tokens": "10"` gets the answer it would get with 10;
 * text that is no number still fails with pydantic's kind (`int_parsing`, `float_parsing`, `bool_parsing`).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let openai: OpenAI;
beforeAll(async () => {
  sim = await startTestServer();
  openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());

const user = [{ role: 'user' as const, content: 'Tell me about the sea.' }];
const blank = (r: { id: string }): unknown => ({ ...r, id: '' });

describe('pydantic lax coercions', () => {
  it('chat: strings, whole floats and yes/no words give the same answer as their typed values', async () => {
    const typed = await openai.chat.completions.create({
      model: 'Qwen/Qwen3-8B',
      messages: user,
      max_tokens: 10,
      temperature: 0.5,
      seed: 3,
      n: 2,
      logprobs: true,
      top_logprobs: 2,
    });
    const lax = await openai.chat.completions.create({
      model: 'Qwen/Qwen3-8B',
      messages: user,
      max_tokens: '10',
      temperature: '0.5',
      seed: 3.0,
      n: '2',
      logprobs: 'yes',
      top_logprobs: '2',
    } as never);
    expect(blank(lax)).toEqual(blank(typed));
    expect(typed.usage?.completion_tokens).toBe(20);
  });

  it('completions: "stream": "true" streams, "echo": 1 echoes, "max_tokens": "4.0" is 4', async () => {
    const r = await postRaw(`${sim.url}/v1/completions`, { prompt: 'Once', max_tokens: '4.0', echo: 1, stream: 'true', seed: '1' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(r.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(r.text).toContain('"text":"Once');
  });

  it('Anthropic messages and Responses (their SDKs): numeric strings give the answer of their typed values', async () => {
    const anthropic = new Anthropic({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
    const base = { model: 'Qwen/Qwen3-8B', messages: user };
    // This SDK version's types list neither temperature nor top_k (vLLM's route takes both): the typed body is cast too.
    const typed = await anthropic.messages.create({ ...base, max_tokens: 6, temperature: 0.5, top_k: 5 } as never);
    const lax = await anthropic.messages.create({ ...base, max_tokens: '6', temperature: '0.5', top_k: '5.0' } as never);
    expect({ ...lax, id: '' }).toEqual({ ...typed, id: '' });
    expect(typed.usage.output_tokens).toBe(6);
    const r = { model: 'Qwen/Qwen3-8B', input: 'Tell me about the sea.' };
    const plain = await openai.responses.create({ ...r, max_output_tokens: 20, temperature: 0.5 });
    const coerced = await openai.responses.create({ ...r, max_output_tokens: '20', temperature: '0.5' } as never);
    expect(coerced.output_text).toBe(plain.output_text);
    expect(coerced.usage).toEqual(plain.usage);
    expect(plain.usage?.output_tokens).toBe(20);
  });

  it("text that is no number or boolean keeps pydantic's errors; strings stay strict", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ max_tokens: '10.5' }, 'int_parsing'],
      [{ max_tokens: 10.5 }, 'int_from_float'],
      [{ temperature: 'hot' }, 'float_parsing'],
      [{ logprobs: 'perhaps' }, 'bool_parsing'],
      [{ user: 5 }, 'string_type'],
    ];
    for (const [extra, kind] of cases) {
      const r = await postRaw(`${sim.url}/v1/chat/completions`, { messages: user, ...extra });
      expect(r.status, kind).toBe(400);
      expect(JSON.parse(r.text).error.message, kind).toContain(`'type': '${kind}'`);
    }
  });

  it('/tokenize and embeddings take the same coercions', async () => {
    const t = await postRaw(`${sim.url}/tokenize`, { prompt: 'hello', add_special_tokens: 'false' });
    expect(t.status).toBe(200);
    const e = await postRaw(`${sim.url}/v1/embeddings`, { input: 'hello', dimensions: '8' });
    expect([200, 400]).toContain(e.status);
    if (e.status === 400) expect(JSON.parse(e.text).error.message).not.toMatch(/int_type|int_parsing/);
  });
});
