/**
 * The issue-14 burst (128 requests x 1,024 random prompt tokens x 64 output tokens, llama-3.1-8b-instruct-h100, all at
 * once) over HTTP in each clock mode, against the engine driven in-process: mean TTFT, output tokens/s and the largest
 * batch, from `--trace` (simulated seconds). HTTP runs send the burst plainly (as a naive client: concurrent fetches,
 * no stated arrivals) and, in virtual time, also held (`POST /admin/clock/hold` + `x-llmsim-arrival`).
 * Run: node --import tsx bench/virtual-burst.ts   (the machine may be shared: wall-time modes are then noisier)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../src/cli/start.ts';
import { TEST_DEFAULTS } from '../tests/helpers/server.ts';
import { buildModelEngine } from '../src/engine/build-engine.ts';
import { createVirtualClock } from '../src/clock/clock.ts';
import { createMetrics } from '../src/metrics/metrics.ts';

const PROFILE = 'llama-3.1-8b-instruct-h100';
const N = 128;
const prompt = (i: number): number[] => Array.from({ length: 1024 }, (_, j) => 1000 + ((i * 7919 + j * 104729) % 90_000));
interface Line {
  arrival: number;
  first_token: number;
  first_scheduled: number;
  finished: number;
}

function summarize(lines: Line[]): { ttft: number; tput: number; batch: number; spread: number } {
  const ttft = lines.reduce((a, r) => a + (r.first_token - r.arrival), 0) / lines.length;
  const span = Math.max(...lines.map((r) => r.finished)) - Math.min(...lines.map((r) => r.arrival));
  const events = lines
    .flatMap(
      (r) =>
        [
          [r.first_scheduled, 1],
          [r.finished, -1],
        ] as [number, number][],
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let batch = 0;
  for (const [, d] of events) batch = Math.max(batch, (now += d));
  const arrivals = lines.map((r) => r.arrival);
  return { ttft, tput: (N * 64) / span, batch, spread: Math.max(...arrivals) - Math.min(...arrivals) };
}

function inProcess(): Line[] {
  const clock = createVirtualClock();
  const lines: Line[] = [];
  const trace = {
    write: (_m: string, r: { arrival: number; firstToken: number | null; firstScheduled: number | null; finished: number }) =>
      void lines.push({ arrival: r.arrival, first_token: r.firstToken as number, first_scheduled: r.firstScheduled as number, finished: r.finished }),
    writeFault: () => {},
    close: async () => {},
  };
  const engine = buildModelEngine({
    name: 'm',
    profile: PROFILE,
    settings: {},
    schedulingPolicy: 'fcfs',
    clock,
    metrics: createMetrics(),
    trace,
    maxModelLen: 131072,
  });
  for (let i = 0; i < N; i++)
    engine.submit(
      { requestId: `r${i}`, promptTokenIds: prompt(i), sequences: [{ outputTokens: 64 }], priority: 0, maxTokens: 64 },
      { onTokens: () => {}, onFinished: () => {} },
    );
  clock.runUntilIdle();
  return lines;
}

async function overHttp(speedup: number, held: boolean): Promise<Line[]> {
  const trace = join(mkdtempSync(join(tmpdir(), 'llmsim-vb-')), 'trace.jsonl');
  const sim = await startSimulator({ ...TEST_DEFAULTS, speedup, profile: PROFILE, trace });
  const abort = new AbortController();
  let heldAt = 0;
  if (held) {
    const res = await fetch(`${sim.url}/admin/clock/hold`, { method: 'POST', signal: abort.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    heldAt = (JSON.parse(new TextDecoder().decode((await reader.read()).value)) as { held_at: number }).held_at;
  }
  const done = Array.from({ length: N }, (_, i) =>
    fetch(`${sim.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(held ? { 'x-llmsim-arrival': String(heldAt) } : {}) },
      body: JSON.stringify({ prompt: prompt(i), max_tokens: 64, ignore_eos: true }),
    }).then((r) => r.text()),
  );
  if (held) {
    while (((await (await fetch(`${sim.url}/load`)).json()) as { server_load: number }).server_load < N);
    abort.abort();
  }
  await Promise.all(done);
  await sim.close();
  return readFileSync(trace, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line);
}

const ref = summarize(inProcess());
const rows: [string, ReturnType<typeof summarize>][] = [['in-process engine (reference)', ref]];
const cpu0 = process.cpuUsage();
rows.push(['HTTP, virtual (--speedup inf), plain burst', summarize(await overHttp(Infinity, false))]);
rows.push(['HTTP, virtual, clock hold + x-llmsim-arrival', summarize(await overHttp(Infinity, true))]);
rows.push(['HTTP, --speedup 10, plain burst', summarize(await overHttp(10, false))]);
rows.push(['HTTP, --speedup 10, clock hold + x-llmsim-arrival', summarize(await overHttp(10, true))]);
rows.push(['HTTP, real time (--speedup 1), plain burst', summarize(await overHttp(1, false))]);
rows.push(['HTTP, real time, clock hold + x-llmsim-arrival', summarize(await overHttp(1, true))]);
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `| mode | arrival spread (sim s) | mean TTFT (s) | vs in-process | output tok/s | vs in-process | max batch |\n|---|---|---|---|---|---|---|\n`,
);
for (const [name, s] of rows)
  process.stdout.write(
    `| ${name} | ${s.spread.toFixed(3)} | ${s.ttft.toFixed(4)} | ${(((s.ttft - ref.ttft) / ref.ttft) * 100).toFixed(2)} % | ${s.tput.toFixed(0)} | ${(((s.tput - ref.tput) / ref.tput) * 100).toFixed(2)} % | ${s.batch} |\n`,
  );
process.stdout.write(`\nCPU for the HTTP runs (server and client in one process): ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s\n`);
