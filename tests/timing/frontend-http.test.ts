/**
 * The front-end queue in the live server, over loopback with the official client, on the virtual clock: a profile
 * with API-server costs still answers with the exact shapes, and a request aborted while it waits in the queue leaves
 * no state behind.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startTestServer } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let openai: OpenAI;
let model: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmsim-fe-http-'));
  const profile = join(dir, 'fe.yaml');
  writeFileSync(profile, 'name: fe\nfixed_step_ms: 5\noverheads:\n  frontend_request_ms: 40\n  frontend_chunk_us: 300\n');
  sim = await startTestServer({ profile });
  openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  model = (await openai.models.list()).data[0]!.id;
});
afterAll(async () => {
  await sim.close();
});

const load = async (): Promise<number> => ((await (await fetch(`${sim.url}/load`)).json()) as { server_load: number }).server_load;

describe('front-end queue, live server (openai client, virtual clock)', () => {
  it('streams a complete chat completion through the queue', async () => {
    const stream = await openai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 8,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('chat.completion.chunk');
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('length');
    expect(usage?.completion_tokens).toBe(8);
  });

  it('a request aborted while it waits in the queue leaves /load at 0', async () => {
    const ac = new AbortController();
    const pending = openai.chat.completions.create(
      { model, messages: [{ role: 'user', content: 'bye' }], max_tokens: 64, stream: true },
      { signal: ac.signal },
    );
    ac.abort();
    await expect(pending).rejects.toThrow();
    for (let i = 0; i < 50 && (await load()) !== 0; i++) await new Promise((r) => setImmediate(r));
    expect(await load()).toBe(0);
    // The server still answers afterwards.
    const done = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'again' }], max_tokens: 2 });
    expect(done.choices[0]?.finish_reason).toBe('length');
  });
});
