/**
 * The preparation pool's memory cap (--max-prepare-memory-mb, worker resource limits): a job whose worker runs out of
 * heap is answered with the documented 400 naming the limit, its worker is replaced, and the server keeps serving; a
 * cap too small to load the tokenizer at all is a clear 500 at once, never a hang. No wall sleeps: every wait is on a
 * response.
 *
 * Measured (Node 20, one worker, Qwen3-8B): the worker loads its tokenizer with a cap of 88 MB and more (80 fails), so
 * 128 leaves room; its heap holds ~67 MB once loaded. A chat message of 500,000 text parts (16 MB of JSON) parses into
 * ~45 MB, then templating and tokenizing it need ~130 MB more: the cap is crossed in JavaScript after the parse (not in
 * JSON.parse, where V8 may abort the whole process instead of stopping the worker: nodejs/node#47224).
 */
import { describe, it, expect, afterAll } from 'vitest';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import type { PreparePool } from '../../src/pipeline/prepare-pool.ts';
import { budgetErrors } from '../../src/pipeline/prepare-budgets.ts';

const MODEL = 'Qwen/Qwen3-8B';
const sims: Simulator[] = [];
afterAll(() => Promise.all(sims.map((s) => s.close())));

async function start(maxPrepareMemoryMb: number): Promise<{ sim: Simulator; client: OpenAI; pool: PreparePool }> {
  // A generous deadline: the memory cap, not --max-prepare-ms, must be what stops the job.
  const sim = await startTestServer({ prepareWorkers: 1, maxPrepareMemoryMb, maxPrepareMs: 120_000 });
  sims.push(sim);
  return { sim, client: new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 }), pool: sim.ctx.preparer as PreparePool };
}

const small = { model: MODEL, messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 3 };
const load = async (url: string): Promise<unknown> => fetch(`${url}/load`).then((r) => r.json());

describe.concurrent('preparation pool memory cap', () => {
  it('answers a job over --max-prepare-memory-mb with a 400 naming the limit, replaces its worker, and keeps serving', async () => {
    const { sim, client, pool } = await start(128);
    // The worker has loaded (a job ran on it): what follows is the job's own memory, not the tokenizer's.
    expect((await client.chat.completions.create(small)).choices[0]?.message.content).toBeTypeOf('string');
    const parts = Array.from({ length: 500_000 }, (_, i) => ({ type: 'text', text: `p${i}` }));
    const huge = postRaw(`${sim.url}/v1/chat/completions`, { model: MODEL, messages: [{ role: 'user', content: parts }], max_tokens: 4 });
    // Queued behind the huge job on the one worker: it runs on the replacement.
    const queued = client.chat.completions.create(small);
    const r = await huge;
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toEqual({ error: { message: budgetErrors.memory(128).message, type: 'BadRequestError', param: null, code: 400 } });
    expect(budgetErrors.memory(128).message).toContain('128 MB (--max-prepare-memory-mb)');
    // Piscina started the replacement as the old worker died, before the client was answered.
    expect(pool.threads()).toBe(1);
    expect((await queued).choices[0]?.message.content).toBeTypeOf('string');
    expect((await client.chat.completions.create(small)).choices[0]?.message.content).toBeTypeOf('string');
    expect(pool.threads()).toBe(1);
    expect(await load(sim.url)).toEqual({ server_load: 0 });
  }, 90_000);

  it('answers a 500 naming the limit at once, request after request, when the cap cannot hold the tokenizer', async () => {
    const { sim, client, pool } = await start(64);
    const message =
      'The llmsim preparation workers cannot load the served models within the limit of 64 MB (--max-prepare-memory-mb). Restart llmsim with a larger limit (the default is 512).';
    for (let i = 0; i < 3; i++) {
      const err = await client.chat.completions.create(small).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect((err as Error).message).toBe(`500 ${message}`);
    }
    // Not "your request needed more memory" (a tiny request), and no worker left restarting forever.
    const completion = await postRaw(`${sim.url}/v1/completions`, { model: MODEL, prompt: 'hi', max_tokens: 3 });
    expect(completion.status).toBe(500);
    expect(JSON.parse(completion.text).error.message).toBe(message);
    expect(pool.threads()).toBe(0);
    expect(await load(sim.url)).toEqual({ server_load: 0 });
  }, 60_000);
});
