import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { parseServeArgs } from '../../src/cli/args.ts';
import type { ServeOptions } from '../../src/scenario/options.ts';

const chat = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 4, ignore_eos: true };

let on: Simulator;
let off: Simulator;
let short: Simulator;
beforeAll(async () => {
  [on, off, short] = await Promise.all([
    startTestServer({ profile: 'instant' }),
    startTestServer({ profile: 'instant', safety: { faultHeader: false } }),
    startTestServer({ profile: 'instant', safety: { maxFaultHeaderSeconds: 5 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([on.close(), off.close(), short.close()]);
});

const forced = (sim: Simulator, fault: string, body: unknown = chat) => postRaw(`${sim.url}/v1/chat/completions`, body, { 'x-llmsim-fault': fault });

async function idle(sim: Simulator): Promise<void> {
  const stats = sim.ctx.models[0]!.engine.stats();
  expect(stats.running + stats.waiting).toBe(0);
  expect(await (await fetch(`${sim.url}/load`)).json()).toEqual({ server_load: 0 });
}

const preflight = (sim: Simulator) =>
  fetch(`${sim.url}/v1/chat/completions`, {
    method: 'OPTIONS',
    headers: {
      origin: 'https://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type, X-LLMSIM-FAULT, authorization',
    },
  });

describe('x-llmsim-fault is bounded and can be switched off', () => {
  it('a header timeout without duration holds for --max-fault-header-seconds (default 60 simulated s), then 504', async () => {
    for (const [sim, max] of [
      [on, 60],
      [short, 5],
    ] as const) {
      const before = sim.ctx.elapsed();
      const r = await forced(sim, 'timeout');
      expect(r.status).toBe(504);
      expect(JSON.parse(r.text)).toMatchObject({ error: { type: 'Gateway Timeout', code: 504 } });
      const held = sim.ctx.elapsed() - before;
      expect(held).toBeGreaterThanOrEqual(max);
      expect(held).toBeLessThan(max + 1);
      await idle(sim);
    }
  });

  it('a longer header timeout or stall is cut to the maximum', async () => {
    const before = short.ctx.elapsed();
    expect((await forced(short, 'timeout; duration=100000')).status).toBe(504);
    expect(short.ctx.elapsed() - before).toBeLessThan(6);
    const t0 = short.ctx.elapsed();
    const stalled = await forced(short, 'stall; after_tokens=1; duration=100000', { ...chat, stream: true });
    expect(stalled.status).toBe(200);
    expect(stalled.text).toContain('data: [DONE]');
    expect(short.ctx.elapsed() - t0).toBeLessThan(6);
    // A shorter one is kept as asked.
    const t1 = short.ctx.elapsed();
    expect((await forced(short, 'timeout; duration=2')).status).toBe(504);
    expect(short.ctx.elapsed() - t1).toBeGreaterThanOrEqual(2);
    expect(short.ctx.elapsed() - t1).toBeLessThan(3);
    await idle(short);
  });

  it('--disable-fault-header: the header is ignored, even malformed, and not advertised in CORS', async () => {
    for (const fault of ['http_error; status=503', 'timeout', 'stall; duration=5', 'truncate; after_tokens=1', 'not a fault;;']) {
      const r = await forced(off, fault, { ...chat, stream: true });
      expect(r.status, fault).toBe(200);
      expect(r.text).toContain('data: [DONE]');
    }
    const ollama = await postRaw(
      `${off.url}/api/generate`,
      { model: 'Qwen/Qwen3-8B', prompt: 'hi', stream: false, options: { num_predict: 2 } },
      { 'x-llmsim-fault': 'http_error; status=500' },
    );
    expect(ollama.status).toBe(200);
    const denied = await preflight(off);
    expect(denied.status).toBe(200);
    expect(denied.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
    const allowed = await preflight(on);
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type, X-LLMSIM-FAULT, authorization');
    await idle(off);
  });

  it('flags and scenario keys set it', async () => {
    const o = parseServeArgs(['m', '--disable-fault-header', '--max-fault-header-seconds', '7'], {}) as ServeOptions;
    expect(o.safety).toMatchObject({ faultHeader: false, maxFaultHeaderSeconds: 7 });
    const file = join(mkdtempSync(join(tmpdir(), 'llmsim-fh-')), 's.yaml');
    writeFileSync(file, 'models: [{model: Qwen/Qwen3-8B}]\nsafety: {fault_header: false, max_fault_header_seconds: 3}\n');
    const sim = await startTestServer({ scenario: file, explicit: new Set(['port']) });
    try {
      expect(sim.ctx.settings.safety).toMatchObject({ faultHeader: false, maxFaultHeaderSeconds: 3 });
      expect((await forced(sim, 'http_error; status=503')).status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});
