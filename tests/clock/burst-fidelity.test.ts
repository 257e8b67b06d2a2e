/**
 * The same burst through HTTP (virtual and scaled time) gives the trace of the engine driven in-process: host work
 * (reading, tokenizing, planning 128 prompts of 1,024 tokens) never moves simulated time.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { buildModelEngine } from '../../src/engine/build-engine.ts';
import { createVirtualClock } from '../../src/clock/clock.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import type { RequestReport } from '../../src/engine/observer.ts';

const PROFILE = 'llama-3.1-8b-instruct-h100';
const N = 128;
const PROMPT = 1024;
const OUTPUT = 64;

/** Distinct prompts (no prefix-cache hits between them), the same ids over HTTP and in-process. */
const prompt = (i: number): number[] => Array.from({ length: PROMPT }, (_, j) => 1000 + ((i * 7919 + j * 104729) % 90_000));

interface Timeline {
  arrival: number;
  queued: number;
  first_scheduled: number | null;
  first_token: number | null;
  finished: number;
  prefill_chunks: { time: number; tokens: number }[];
}

/** Every request's timeline, times shifted by `origin`, keyed by request id. */
function timelines(records: (Timeline & { request_id: string })[], origin = 0): Map<string, Timeline> {
  const shift = (t: number | null): number | null => (t === null ? null : t - origin);
  return new Map(
    records.map((r) => [
      r.request_id,
      {
        arrival: r.arrival - origin,
        queued: r.queued - origin,
        first_scheduled: shift(r.first_scheduled),
        first_token: shift(r.first_token),
        finished: r.finished - origin,
        prefill_chunks: r.prefill_chunks.map((c) => ({ time: c.time - origin, tokens: c.tokens })),
      },
    ]),
  );
}

function inProcess(arrivals: readonly number[], maxModelLen: number): Map<string, Timeline> {
  const clock = createVirtualClock();
  const reports: RequestReport[] = [];
  const trace = { write: (_m: string, r: RequestReport) => void reports.push(r), writeFault: () => {}, close: async () => {} };
  const engine = buildModelEngine({ name: 'm', profile: PROFILE, settings: {}, schedulingPolicy: 'fcfs', clock, metrics: createMetrics(), trace, maxModelLen });
  const sink = { onTokens: () => {}, onFinished: () => {} };
  arrivals.forEach((arrival, i) =>
    engine.submit(
      { requestId: `cmpl-r${i}`, promptTokenIds: prompt(i), sequences: [{ outputTokens: OUTPUT }], priority: 0, maxTokens: OUTPUT, arrivalTime: arrival },
      sink,
    ),
  );
  clock.runUntilIdle();
  return timelines(
    reports.map((r) => ({
      request_id: r.requestId,
      arrival: r.arrival,
      queued: r.queued,
      first_scheduled: r.firstScheduled,
      first_token: r.firstToken,
      finished: r.finished,
      prefill_chunks: [...r.prefillChunks],
    })),
  );
}

let sim: Simulator | null = null;
let dir: string | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** Opens a clock hold (`POST /admin/clock/hold`); resolves with its stamp and a release (closes the connection). */
async function holdClock(url: string): Promise<{ heldAt: number; release: () => void }> {
  const abort = new AbortController();
  const res = await fetch(`${url}/admin/clock/hold`, { method: 'POST', signal: abort.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
  return { heldAt: (JSON.parse(text) as { held_at: number }).held_at, release: () => abort.abort() };
}

/** Waits (by polling GET /load, no sleeps) until `n` requests are being served. */
async function untilServing(url: string, n: number): Promise<void> {
  for (;;) {
    const load = (await (await fetch(`${url}/load`)).json()) as { server_load: number };
    if (load.server_load >= n) return;
  }
}

/** Sends the burst over HTTP under a client hold (arrivals stated relative to its stamp); returns the trace. */
async function overHttp(speedup: number, offsets: readonly number[], stateArrivals: boolean): Promise<{ lines: Map<string, Timeline>; maxModelLen: number }> {
  dir = mkdtempSync(join(tmpdir(), 'llmsim-burst-'));
  const trace = join(dir, 'trace.jsonl');
  sim = await startTestServer({ speedup, profile: PROFILE, trace });
  const { url } = sim;
  const lease = await holdClock(url);
  const done = offsets.map((offset, i) =>
    fetch(`${url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `r${i}`, ...(stateArrivals ? { 'x-llmsim-arrival': String(lease.heldAt + offset) } : {}) },
      body: JSON.stringify({ prompt: prompt(i), max_tokens: OUTPUT, ignore_eos: true }),
    }).then(async (r) => ({ status: r.status, body: await r.text() })),
  );
  await untilServing(url, offsets.length);
  lease.release();
  const answers = await Promise.all(done);
  expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  const maxModelLen = sim.ctx.models[0]!.maxModelLen;
  await sim.close();
  sim = null;
  const records = readFileSync(trace, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Timeline & { request_id: string });
  return { lines: timelines(records, lease.heldAt), maxModelLen };
}

function expectSame(got: Map<string, Timeline>, want: Map<string, Timeline>, tolerance: number): void {
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  let worst = 0;
  for (const [id, w] of want) {
    const g = got.get(id) as Timeline;
    expect(g.prefill_chunks.map((c) => c.tokens)).toEqual(w.prefill_chunks.map((c) => c.tokens));
    const ttft = (t: Timeline): number => (t.first_token as number) - t.arrival;
    worst = Math.max(worst, Math.abs(ttft(g) - ttft(w)) / ttft(w), Math.abs(g.finished - w.finished) / w.finished);
  }
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('a burst over HTTP replays the in-process engine', () => {
  it('virtual time: 128 x 1024-token prompts give exactly the in-process trace (TTFT, batching, finish times)', async () => {
    const { lines, maxModelLen } = await overHttp(Infinity, Array<number>(N).fill(0), false);
    const want = inProcess(Array<number>(N).fill(0), maxModelLen);
    expectSame(lines, want, 1e-9);
    // The burst was batched: the first step admitted many prompts at once (the symptom was batches of ~1).
    const firstStep = Math.min(...[...lines.values()].map((t) => t.first_scheduled as number));
    expect([...lines.values()].filter((t) => t.first_scheduled === firstStep).length).toBeGreaterThan(4);
  });

  it('virtual time: Poisson arrivals stated with x-llmsim-arrival replay exactly', async () => {
    let x = 1;
    const gaps = Array.from({ length: 32 }, () => -Math.log((x = (x * 48271) % 2147483647) / 2147483647) / 20);
    const offsets = gaps.map((_, i) => gaps.slice(0, i + 1).reduce((a, b) => a + b, 0));
    const { lines, maxModelLen } = await overHttp(Infinity, offsets, true);
    expectSame(lines, inProcess(offsets, maxModelLen), 1e-9);
  });

  it('scaled time (x200): the host is late, the trace is not (within 1 %)', async () => {
    const { lines, maxModelLen } = await overHttp(200, Array<number>(32).fill(0), true);
    expectSame(lines, inProcess(Array<number>(32).fill(0), maxModelLen), 0.01);
  });
});
