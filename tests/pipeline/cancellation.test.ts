/**
 * Clients that leave: mid-upload, while their request is prepared on a worker, and mid-stream. Every one leaves no
 * state behind (`/load` back to 0, nothing running or waiting) and a request that never reached the engine counts
 * as `finished_reason="abort"`. No wall sleeps: the test waits on server answers (polls of /load), never on time.
 */
import { describe, it, expect, afterAll } from 'vitest';
import http from 'node:http';
import { startTestServer } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import type { PreparePool } from '../../src/pipeline/prepare-pool.ts';

const MODEL = 'Qwen/Qwen3-8B';
const sims: Simulator[] = [];
afterAll(() => Promise.all(sims.map((s) => s.close())));

const agentless = { agent: false } as const;

const load = async (sim: Simulator): Promise<number> => ((await fetch(`${sim.url}/load`).then((r) => r.json())) as { server_load: number }).server_load;

/** Polls /load (each poll waits for its answer) until `done(load)`, at most `polls` times. */
async function loadUntil(sim: Simulator, done: (n: number) => boolean, polls = 5000): Promise<number> {
  let n = await load(sim);
  for (let i = 0; i < polls && !done(n); i++) n = await load(sim);
  return n;
}

async function aborts(sim: Simulator): Promise<number> {
  const text = await fetch(`${sim.url}/metrics`).then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith('vllm:request_success_total') && l.includes('finished_reason="abort"'));
  return Number(line?.split(' ').pop() ?? 0);
}

/** Starts a POST whose body never finishes: resolves with the request once its headers and first bytes are sent. */
function halfUpload(sim: Simulator, path: string): http.ClientRequest {
  const req = http.request(`${sim.url}${path}`, { ...agentless, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100000' } });
  req.on('error', () => {});
  req.write('{"model":"Qwen/Qwen3-8B","messages":[');
  return req;
}

/** Opens a stream and resolves once its first bytes arrived, with a function that drops the connection. */
function openStream(sim: Simulator): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({
      model: MODEL,
      messages: [{ role: 'user', content: 'Tell me a long story.' }],
      max_tokens: 4000,
      stream: true,
      ignore_eos: true,
    });
    const req = http.request(`${sim.url}/v1/chat/completions`, { ...agentless, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.once('data', () => resolve(() => req.destroy()));
      res.on('error', () => {});
    });
    req.on('error', (e) => reject(e));
    req.end(body);
  });
}

function dropAfterHeld(sim: Simulator, count: number, body: (k: number) => Record<string, unknown>): http.ClientRequest[] {
  return Array.from({ length: count }, (_, k) => {
    const req = http.request(`${sim.url}/v1/chat/completions`, { ...agentless, method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => {});
    req.end(JSON.stringify(body(k)));
    return req;
  });
}

describe('clients that leave while their jobs wait for a worker', () => {
  it('are released at once, not when the worker takes their jobs (here: still loading its tokenizer)', async () => {
    // The requests arrive while the one worker still loads its tokenizer (1-2 s, more on a loaded machine): before,
    // a departed request stayed counted in /load until the worker took its job and skipped it, which on a loaded
    // machine outlasted 5,000 polls of /load.
    const sim = await startTestServer({ prepareWorkers: 1, speedup: 1 });
    sims.push(sim);
    const before = await aborts(sim);
    const gone = dropAfterHeld(sim, 20, (k) => ({ model: MODEL, messages: [{ role: 'user', content: `${k} hi` }], max_tokens: 5 }));
    await loadUntil(sim, (n) => n >= 20);
    for (const req of gone) req.destroy();
    // A few hundred polls take milliseconds; the worker's start takes seconds.
    expect(await loadUntil(sim, (n) => n === 0, 300)).toBe(0);
    expect(await aborts(sim)).toBe(before + 20);
    const stats = sim.ctx.models[0]!.engine.stats();
    expect(stats.running + stats.waiting).toBe(0);
  });
});

describe.each([0, 1])('clients that leave (--prepare-workers %i)', (workers) => {
  it('leave /load at 0 after 200 aborted uploads and streams, and count aborts', async () => {
    // Real time (a stream stays open while its tokens are released); the default GPU profile paces them.
    const sim = await startTestServer({ prepareWorkers: workers, speedup: 1 });
    sims.push(sim);
    const before = await aborts(sim);
    const uploads = Array.from({ length: 100 }, () => halfUpload(sim, '/v1/chat/completions'));
    expect(await loadUntil(sim, (n) => n >= 100)).toBe(100);
    for (const u of uploads) u.destroy();
    expect(await loadUntil(sim, (n) => n === 0)).toBe(0);
    const streams = await Promise.all(Array.from({ length: 100 }, () => openStream(sim)));
    expect(await load(sim)).toBe(100);
    for (const drop of streams) drop();
    expect(await loadUntil(sim, (n) => n === 0)).toBe(0);
    const stats = sim.ctx.models[0]!.engine.stats();
    expect(stats.running + stats.waiting).toBe(0);
    // Every upload and every stream counted as an abort.
    expect(await aborts(sim)).toBe(before + 200);
  });

  it('cancels requests whose client leaves while they are prepared, on every dialect: nothing scheduled, counted as aborts', async () => {
    const sim = await startTestServer({ prepareWorkers: workers, speedup: 1 });
    sims.push(sim);
    const pool = sim.ctx.preparer as PreparePool | undefined;
    pool?.warm(sim.ctx);
    const workersBefore = pool?.workersStarted();
    const before = await aborts(sim);
    const words = Array.from({ length: 3000 }, (_, i) => `w${(i * 7919) % 100_003}`).join(' ');
    const routes: [string, (text: string) => Record<string, unknown>][] = [
      ['/v1/chat/completions', (text) => ({ model: MODEL, messages: [{ role: 'user', content: text }], max_tokens: 2000 })],
      ['/api/chat', (text) => ({ model: MODEL, messages: [{ role: 'user', content: text }], stream: false, options: { num_predict: 2000 } })],
      ['/v1/messages', (text) => ({ model: MODEL, messages: [{ role: 'user', content: text }], max_tokens: 2000 })],
      ['/v1/responses', (text) => ({ model: MODEL, input: text, max_output_tokens: 2000 })],
    ];
    const gone = Array.from({ length: 20 }, (_, k) => {
      const [path, body] = routes[k % routes.length]!;
      const req = http.request(`${sim.url}${path}`, { ...agentless, method: 'POST', headers: { 'content-type': 'application/json' } });
      req.on('error', () => {});
      req.end(JSON.stringify(body(`${k} ${words}`)));
      return req;
    });
    // Dropped once the server holds all of them (being read or prepared).
    await loadUntil(sim, (n) => n >= 20);
    for (const req of gone) req.destroy();
    expect(await loadUntil(sim, (n) => n === 0)).toBe(0);
    const stats = sim.ctx.models[0]!.engine.stats();
    expect(stats.running + stats.waiting).toBe(0);
    expect(await aborts(sim)).toBe(before + 20);
    // Leaving costs no worker: jobs not started are skipped, not aborted in piscina (which terminates the worker).
    expect(pool?.workersStarted()).toBe(workersBefore);
  });

  it.runIf(workers === 1)('releases a departed request at once while the only worker is busy with another', async () => {
    // The worker is held by one slow job (a 6 MB one-word prompt: seconds of BPE), so queued jobs are not reached;
    // their clients' departures must not wait for it (a worker still loading its tokenizer on a loaded machine held
    // 20 departed requests in /load past the test's polls the same way).
    const sim = await startTestServer({ prepareWorkers: 1, speedup: 1, maxPrepareMs: 120_000 });
    sims.push(sim);
    const before = await aborts(sim);
    let heavyDone = false;
    const heavy = fetch(`${sim.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: 'x'.repeat(6_000_000), max_tokens: 1 }),
    }).then(async (r) => {
      heavyDone = true;
      return r.status;
    });
    expect(await loadUntil(sim, (n) => n >= 1)).toBe(1);
    const gone = Array.from({ length: 10 }, (_, k) => {
      const req = http.request(`${sim.url}/v1/chat/completions`, { ...agentless, method: 'POST', headers: { 'content-type': 'application/json' } });
      req.on('error', () => {});
      req.end(JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: `question ${k}` }], max_tokens: 5 }));
      return req;
    });
    expect(await loadUntil(sim, (n) => n >= 11)).toBe(11);
    for (const req of gone) req.destroy();
    expect(await loadUntil(sim, (n) => n === 1)).toBe(1);
    expect(heavyDone).toBe(false);
    expect(await aborts(sim)).toBe(before + 10);
    expect(await heavy).toBe(400); // past the context length, once tokenized
    expect(await loadUntil(sim, (n) => n === 0)).toBe(0);
    const stats = sim.ctx.models[0]!.engine.stats();
    expect(stats.running + stats.waiting).toBe(0);
  });
});
