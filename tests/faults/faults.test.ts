import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { createFaultInjector } from '../../src/faults/injector.ts';
import { parseFaultHeader } from '../../src/faults/schema.ts';

const chat = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, ignore_eos: true };
const streamBody = { ...chat, stream: true };

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmsim-faults-'));
  const file = join(dir, 'chaos.yaml');
  writeFileSync(
    file,
    `models: [{model: Qwen/Qwen3-8B}]
faults:
  - {kind: http_error, status: 503, retry_after: 3, first_n: 2, match: {path: /v1/completions}}
  - {kind: http_error, status: 429, retry_after: 1, every_k: 3, match: {path: /v1/embeddings}}
  - {kind: timeout, match: {path: /api/generate}}
`,
  );
  sim = await startTestServer({ scenario: file, explicit: new Set(['port']) });
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());

const forced = (fault: string, body: unknown = chat) => postRaw(`${sim.url}/v1/chat/completions`, body, { 'x-llmsim-fault': fault });

describe('faults before the response', () => {
  it('fails the first N matching requests, then serves normally', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await postRaw(`${sim.url}/v1/completions`, { prompt: 'x', max_tokens: 2 })).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
  });

  it('fails every Kth request with 429 and Retry-After, which the SDK reports as RateLimitError', async () => {
    const results: string[] = [];
    for (let i = 0; i < 6; i++) {
      try {
        await client.embeddings.create({ model: 'Qwen/Qwen3-8B', input: 'x' });
        results.push('ok');
      } catch (err) {
        results.push(err instanceof OpenAI.RateLimitError ? `429:${(err as InstanceType<typeof OpenAI.APIError>).headers?.get('retry-after')}` : 'other');
      }
    }
    expect(results).toEqual(['ok', 'ok', '429:1', 'ok', 'ok', '429:1']);
  });

  it('forces a fault per request with the x-llmsim-fault header, in the vLLM envelope', async () => {
    const r = await forced('http_error; status=500');
    expect(r.status).toBe(500);
    expect(JSON.parse(r.text)).toEqual({ error: { message: 'Internal server error', type: 'InternalServerError', param: null, code: 500 } });
    const bad = await forced('explode');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.message).toMatch(/invalid x-llmsim-fault header/);
  });

  it('holds a request on a scenario timeout until the client gives up, leaving the server healthy', async () => {
    const controller = new AbortController();
    const pending = fetch(`${sim.url}/api/generate`, {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'Qwen/Qwen3-8B', prompt: 'hi' }),
    });
    const probe = await fetch(`${sim.url}/health`);
    expect(probe.status).toBe(200);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect((await postRaw(`${sim.url}/v1/chat/completions`, chat)).status).toBe(200);
  });
});

describe('faults during a stream', () => {
  it('truncates the stream without [DONE]', async () => {
    const r = await forced('truncate; after_tokens=3', streamBody);
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('[DONE]');
    expect(r.text.split('\n\n').filter((e) => e.startsWith('data: ')).length).toBeLessThan(8);
  });

  it('emits the vLLM mid-stream error event, which the SDK raises as APIError', async () => {
    const r = await forced('error_event; after_tokens=2', streamBody);
    expect(r.text).toContain(
      'data: {"error": {"message": "Internal server error", "type": "InternalServerError", "param": null, "code": 500}}\n\ndata: [DONE]\n\n',
    );
    const stream = await client.chat.completions.create(
      { model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'hi' }], stream: true, max_tokens: 8 },
      { headers: { 'x-llmsim-fault': 'error_event; after_tokens=2' } },
    );
    await expect(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it('drops the TCP connection mid-stream', async () => {
    await expect(forced('drop; after_tokens=2', streamBody)).rejects.toThrow();
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
  });

  it('stalls a stream on the simulated clock and then delivers every token', async () => {
    const plain = await postRaw(`${sim.url}/v1/chat/completions`, streamBody);
    const stalled = await forced('stall; after_tokens=2; duration=5', streamBody);
    // The same stream but for the per-request id.
    const unid = (t: string): string => t.replace(/"id":"chatcmpl-[0-9a-f]{32}"/g, '"id":"ID"');
    expect(unid(stalled.text)).toBe(unid(plain.text));
  });

  it('sends a malformed chunk that breaks SDK parsing', async () => {
    const r = await forced('malformed_chunk; after_tokens=1', streamBody);
    expect(r.text).toContain('data: {"id": "chatcmpl-malformed", broken\n\n');
    expect(r.text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('leaves no engine state behind after faulted streams', async () => {
    await postRaw(`${sim.url}/v1/chat/completions`, chat);
    const stats = sim.ctx.models[0]!.engine.stats();
    expect(stats.running + stats.waiting).toBe(0);
  });

  it('counts every injected fault by kind', () => {
    const counts = sim.ctx.faults.counts();
    expect(counts.http_error).toBeGreaterThanOrEqual(5);
    expect(counts.truncate + counts.error_event + counts.drop + counts.malformed_chunk).toBeGreaterThanOrEqual(4);
  });
});

describe('fault selection', () => {
  it('is replayable: the same sequence of requests fails at the same places', () => {
    const run = (): boolean[] => {
      const inj = createFaultInjector({ faults: [{ kind: 'http_error', rate: 0.3 }], seed: 11 });
      return Array.from({ length: 200 }, () => inj.pick({ path: '/v1/chat/completions', model: null, elapsed: 0 }) !== null);
    };
    const a = run();
    expect(run()).toEqual(a);
    const share = a.filter(Boolean).length / a.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
  });

  it('honours time windows and model matches', () => {
    const inj = createFaultInjector({ faults: [{ kind: 'http_error', window: { from: 10, to: 20 }, match: { model: 'm' } }], seed: 0 });
    expect(inj.pick({ path: '/x', model: 'm', elapsed: 5 })).toBeNull();
    expect(inj.pick({ path: '/x', model: 'm', elapsed: 15 })).not.toBeNull();
    expect(inj.pick({ path: '/x', model: 'other', elapsed: 15 })).toBeNull();
    expect(inj.pick({ path: '/x', model: 'm', elapsed: 20 })).toBeNull();
  });

  it('parses the header form', () => {
    expect(parseFaultHeader('http_error; status=429; retry_after=2')).toEqual({ kind: 'http_error', status: 429, retry_after: 2 });
    expect(parseFaultHeader('stall; after_tokens=3; duration=1.5')).toEqual({ kind: 'stall', after_tokens: 3, duration: 1.5 });
    expect(typeof parseFaultHeader('nope')).toBe('string');
  });
});

describe('bounded waiting queue', () => {
  it('answers 429 before any byte when the waiting queue is full (--max-waiting)', async () => {
    const full = await startTestServer({ engine: { maxWaiting: 0 } });
    try {
      const r = await postRaw(`${full.url}/v1/chat/completions`, { ...streamBody });
      expect(r.status).toBe(429);
      expect(JSON.parse(r.text).error).toMatchObject({ type: 'Too Many Requests', code: 429 });
    } finally {
      await full.close();
    }
  });
});

describe('faults in the trace', () => {
  it('writes a line per injected fault next to the request records', async () => {
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const trace = join(mkdtempSync(join(tmpdir(), 'llmsim-trace-')), 'trace.jsonl');
    const traced = await startTestServer({ trace });
    try {
      await postRaw(`${traced.url}/v1/chat/completions`, chat, { 'x-llmsim-fault': 'http_error; status=429' });
      await postRaw(`${traced.url}/v1/chat/completions`, chat);
    } finally {
      await traced.close();
    }
    const lines = readFileSync(trace, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ fault: 'http_error', replica: 'replica-0' });
    expect(lines[1]).toMatchObject({ finish_reason: 'length', generated_tokens: [8] });
  });
});
