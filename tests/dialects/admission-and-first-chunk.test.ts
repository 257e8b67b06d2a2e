/**
 * Every dialect's generation routes share the engine's admission (`--max-waiting` → 429 before any byte, in the
 * dialect's envelope, through its official client) and its streaming rule: the first chunk after prompt processing
 * is written at once, not at the end of the event-loop turn.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import { startTestServer } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

/** Every write of every stream: its first bytes and whether it asked to leave at once. */
const writes = vi.hoisted(() => [] as { path: string; chunk: string; now: boolean }[]);
vi.mock('../../src/http/sse-writer.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/http/sse-writer.ts')>();
  return {
    ...real,
    openStream: (c: Parameters<typeof real.openStream>[0], options: Parameters<typeof real.openStream>[1]) => {
      const opened = real.openStream(c, options);
      const inner = opened.writer;
      const writer = {
        get closed() {
          return inner.closed;
        },
        write(chunk: string, now = false) {
          writes.push({ path: c.req.path, chunk, now });
          inner.write(chunk, now);
        },
        end(chunk?: string) {
          inner.end(chunk);
        },
      };
      return { writer, response: opened.response };
    },
  };
});

const M = 'Qwen/Qwen3-8B';
const user = [{ role: 'user' as const, content: 'Tell me about the sea.' }];
let full: Simulator;
let sim: Simulator;

beforeAll(async () => {
  [full, sim] = await Promise.all([startTestServer({ engine: { maxWaiting: 0 } }), startTestServer()]);
});
afterAll(async () => {
  await Promise.all([full.close(), sim.close()]);
});

async function status(p: Promise<unknown>): Promise<{ status: number; error: unknown }> {
  try {
    await p;
  } catch (err) {
    const e = err as { status?: number; status_code?: number; error?: unknown };
    return { status: e.status ?? e.status_code ?? 0, error: e.error };
  }
  return { status: 200, error: null };
}

describe("--max-waiting: 429 on every dialect's generation routes", () => {
  const message = 'The server is overloaded: the waiting queue is full (max_waiting=0). Retry later.';

  it('OpenAI chat, completions and Responses (openai client), streamed or not', async () => {
    const openai = new OpenAI({ baseURL: `${full.url}/v1`, apiKey: 'x', maxRetries: 0 });
    for (const stream of [false, true]) {
      expect(await status(openai.chat.completions.create({ model: M, messages: user, stream }))).toMatchObject({ status: 429, error: { message, code: 429 } });
      expect(await status(openai.completions.create({ model: M, prompt: 'x', stream }))).toMatchObject({ status: 429, error: { message } });
      expect(await status(openai.responses.create({ model: M, input: 'x', stream }))).toMatchObject({ status: 429, error: { message } });
    }
  });

  it('Anthropic messages (@anthropic-ai/sdk), streamed or not; count_tokens still answers', async () => {
    const client = new Anthropic({ baseURL: full.url, apiKey: 'x', maxRetries: 0 });
    for (const stream of [false, true]) {
      const r = await status(client.messages.create({ model: M, max_tokens: 8, messages: user, stream }));
      expect(r.status).toBe(429);
      expect(r.error).toMatchObject({ type: 'error', error: { message } });
    }
    expect((await client.messages.countTokens({ model: M, messages: user })).input_tokens).toBeGreaterThan(0);
  });

  it('Ollama chat and generate (ollama client), streamed or not; the load answer needs no queue', async () => {
    const ollama = new Ollama({ host: full.url });
    expect(await status(ollama.chat({ model: M, messages: user }))).toEqual({ status: 429, error: message });
    expect(await status(ollama.chat({ model: M, messages: user, stream: true }))).toEqual({ status: 429, error: message });
    expect(await status(ollama.generate({ model: M, prompt: 'x' }))).toEqual({ status: 429, error: message });
    expect((await ollama.generate({ model: M, prompt: '' })).done_reason).toBe('load');
    expect(((await (await fetch(`${full.url}/load`)).json()) as { server_load: number }).server_load).toBe(0);
  });
});

describe('the first chunk of every stream leaves at once', () => {
  const firstContent = async (path: string, send: () => Promise<void>, isContent: (chunk: string) => boolean): Promise<void> => {
    writes.length = 0;
    await send();
    const mine = writes.filter((w) => w.path === path);
    const first = mine.find((w) => isContent(w.chunk));
    expect(first, path).toBeDefined();
    expect(first?.now, path).toBe(true);
    // Only the first content chunk jumps the turn; later ones are coalesced with their turn.
    expect(mine.filter((w) => w.now).length, path).toBe(1);
  };

  it('chat, completions, Responses, Anthropic, Ollama chat and generate', async () => {
    const openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
    const ollama = new Ollama({ host: sim.url });
    const drain = async (it: AsyncIterable<unknown>): Promise<void> => {
      for await (const _ of it);
    };
    await firstContent(
      '/v1/chat/completions',
      async () => drain(await openai.chat.completions.create({ model: M, messages: user, max_tokens: 16, stream: true })),
      (c) => c.includes('"role"'),
    );
    await firstContent(
      '/v1/completions',
      async () => drain(await openai.completions.create({ model: M, prompt: 'The sea', max_tokens: 16, stream: true })),
      (c) => c.includes('"text"'),
    );
    await firstContent(
      '/v1/responses',
      async () => drain(await openai.responses.create({ model: M, input: 'The sea', max_output_tokens: 16, stream: true })),
      (c) => c.includes('.delta'),
    );
    await firstContent(
      '/v1/messages',
      async () => drain(await anthropic.messages.create({ model: M, max_tokens: 16, messages: user, stream: true })),
      (c) => c.includes('content_block_delta'),
    );
    await firstContent(
      '/api/chat',
      async () => drain(await ollama.chat({ model: M, messages: user, stream: true, options: { num_predict: 16 } })),
      (c) => c.includes('"done":false'),
    );
    await firstContent(
      '/api/generate',
      async () => drain(await ollama.generate({ model: M, prompt: 'The sea', stream: true, options: { num_predict: 16 } })),
      (c) => c.includes('"done":false'),
    );
  });
});
