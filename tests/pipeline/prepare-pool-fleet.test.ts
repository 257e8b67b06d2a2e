/**
 * One preparation pool for a whole process: a heterogeneous fleet (replicas with their own profile and engine
 * settings: distinct configurations) and a LoRA adapter loaded at run time (a configuration that appears after the
 * workers started) are served by the same `--prepare-workers` threads, with the same bytes as inline preparation.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import type { PreparePool } from '../../src/pipeline/prepare-pool.ts';
import { prepareConfigOf } from '../../src/serving/build.ts';

const sims: Simulator[] = [];
afterAll(() => Promise.all(sims.map((s) => s.close())));

const dir = mkdtempSync(join(tmpdir(), 'llmsim-pool-fleet-'));
const file = join(dir, 'fleet.yaml');
writeFileSync(
  file,
  `models: [{model: Qwen/Qwen3-8B, profile: llama-3.1-8b-instruct-h100}]
replicas:
  - {name: fast}
  - {name: slow, profile: llama-3.1-8b-instruct-a100, engine: {block_size: 32}}
  - {name: small, engine: {max_num_seqs: 4, enable_prefix_caching: false}}
`,
);

async function start(workers: number): Promise<Simulator> {
  const sim = await startTestServer({ scenario: file, explicit: new Set(['port']), prepareWorkers: workers, loraModules: [] });
  sims.push(sim);
  return sim;
}

const ids = (text: string): string => text.replace(/"chatcmpl-[0-9a-zA-Z]+"/g, '"<id>"').replace(/"created":\d+/g, '"created":0');
const ask = (content: string, model = 'Qwen/Qwen3-8B') => ({ model, messages: [{ role: 'user', content }], max_tokens: 24, seed: 5 });

describe('one preparation pool per process', () => {
  it('serves every replica of a heterogeneous fleet with N workers in all, as inline preparation does', async () => {
    const inline = await start(0);
    const pooled = await start(1);
    const pool = pooled.ctx.preparer as PreparePool;
    for (const [i, replica] of pooled.replicas.entries()) {
      const body = ask(`Replica ${replica.name}: describe a cache.`);
      const want = await postRaw(`${inline.replicas[i]?.url}/v1/chat/completions`, body);
      const got = await postRaw(`${replica.url}/v1/chat/completions`, body);
      expect(got.status).toBe(200);
      expect(ids(got.text)).toBe(ids(want.text));
    }
    // Three distinct configurations, one worker: not one pool (and worker) per configuration.
    expect(new Set(pooled.replicas.map((r) => JSON.stringify(prepareConfigOf(r.ctx)))).size).toBe(3);
    expect(pool.threads()).toBe(1);
    expect(pool.workersStarted()).toBe(1);
  });

  it('prepares for an adapter loaded after the workers started (its job carries the new configuration)', async () => {
    const inline = await start(0);
    const pooled = await start(1);
    for (const sim of [inline, pooled]) {
      const load = await postRaw(`${sim.url}/v1/load_lora_adapter`, { lora_name: 'late-lora', lora_path: '/adapters/late' });
      expect(load.status).toBe(200);
    }
    // A large body (> 48 KiB, normally transferred to the worker) as the first job of the late
    // configuration: the worker lacks it, so the job is sent again, and its body must still be whole.
    const large = ask(`Summarise: ${'alpha beta gamma delta '.repeat(4000)}`, 'late-lora');
    const wantLarge = await postRaw(`${inline.url}/v1/chat/completions`, large);
    const gotLarge = await postRaw(`${pooled.url}/v1/chat/completions`, large);
    expect(gotLarge.status).toBe(200);
    expect(ids(gotLarge.text)).toBe(ids(wantLarge.text));
    const client = new OpenAI({ baseURL: `${pooled.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const viaSdk = await client.chat.completions.create({
      model: 'late-lora',
      messages: [{ role: 'user', content: 'Hello adapter' }],
      max_tokens: 16,
      seed: 2,
    });
    expect(viaSdk.model).toBe('late-lora');
    const body = ask('Hello adapter, again', 'late-lora');
    const want = await postRaw(`${inline.url}/v1/chat/completions`, body);
    const got = await postRaw(`${pooled.url}/v1/chat/completions`, body);
    expect(got.status).toBe(200);
    expect(ids(got.text)).toBe(ids(want.text));
    expect((pooled.ctx.preparer as PreparePool).workersStarted()).toBe(1);
    // Nothing left counting.
    const load = (await (await fetch(`${pooled.url}/load`)).json()) as Record<string, number>;
    expect(Object.values(load).every((v) => typeof v !== 'number' || v === 0)).toBe(true);
  });
});
