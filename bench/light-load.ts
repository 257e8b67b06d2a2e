/**
 * @module Light load in real time on a GPU profile: the server's CPU per streamed token at 1, 10 and 100 open streams,
 * and a 32-replica fleet idle and at ~10 % of its capacity. A simulator that spins between steps shows up here as CPU
 * that does not fall with the work. Run: `node --import tsx bench/light-load.ts [seconds]` (prints a table).
 */
import { llmsim, type Child } from './processes.ts';
import { runStreamLoad } from './stream-load.ts';
import { scrapeLag, lagQuantile } from './lag.ts';

const SECONDS = Number(process.argv[2] ?? 6);
const PROFILE = ['--profile', 'qwen3-8b-h100', '--disable-log-stats'];
/** Long answers, so streams stay open through the window instead of re-opening. */
const BODY = { ignore_eos: true };

interface Row {
  readonly setup: string;
  readonly streams: number;
  readonly tokensPerSecond: number;
  readonly cpuPercent: number;
  readonly cpuUsPerToken: number;
  readonly lagP99Ms: number;
}

async function measure(setup: string, server: Child, ports: number[], perPort: number): Promise<Row> {
  const before = await scrapeLag(server.url);
  let cpu0 = 0;
  let t0 = 0;
  let opened = 0;
  const windowStart = (): void => {
    if (++opened === ports.length) [cpu0, t0] = [server.cpuSeconds(), performance.now()];
  };
  const results =
    perPort === 0
      ? await idle(server, (c, t) => ([cpu0, t0] = [c, t]))
      : await Promise.all(
          ports.map((port) =>
            runStreamLoad({
              url: `http://127.0.0.1:${port}`,
              concurrency: perPort,
              seconds: SECONDS,
              maxTokens: 4000,
              body: BODY,
              rampSeconds: 1,
              onWindowStart: windowStart,
            }),
          ),
        );
  const wall = (performance.now() - t0) / 1000;
  const cpu = server.cpuSeconds() - cpu0;
  const tokens = results.reduce((s, r) => s + r.events, 0);
  const window = results[0]?.window ?? wall;
  const after = await scrapeLag(server.url);
  return {
    setup,
    streams: perPort * ports.length,
    tokensPerSecond: tokens / window,
    cpuPercent: (100 * cpu) / wall,
    cpuUsPerToken: tokens > 0 ? (cpu * 1e6) / tokens : NaN,
    lagP99Ms: lagQuantile(before.scheduler, after.scheduler, 0.99) * 1000,
  };
}

/** No load: the window is just time passing. */
async function idle(server: Child, start: (cpu: number, t: number) => void): Promise<{ events: number; window: number }[]> {
  start(server.cpuSeconds(), performance.now());
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  return [{ events: 0, window: SECONDS }];
}

/**
 * Waits until the server is quiet (two 0.5 s windows under 2 % CPU, at most 30 s): its preparation workers load their
 * tokenizers after start-up, ~1-2 s of CPU that would otherwise land in the first window (the 1-stream and idle
 * rows read 23-29 % CPU because of it).
 */
async function settle(server: Child): Promise<void> {
  let quiet = 0;
  for (let i = 0; i < 60 && quiet < 2; i++) {
    const c0 = server.cpuSeconds();
    await new Promise((r) => setTimeout(r, 500));
    quiet = server.cpuSeconds() - c0 < 0.01 ? quiet + 1 : 0;
  }
}

const rows: Row[] = [];
const single = await llmsim(9201, PROFILE);
await settle(single);
for (const streams of [1, 10, 100]) rows.push(await measure('1 replica', single, [9201], streams));
await single.stop();
const fleet = await llmsim(9300, [...PROFILE, '--replicas', '32']);
const ports = Array.from({ length: 32 }, (_, i) => 9300 + i);
await settle(fleet);
rows.push(await measure('32 replicas, idle', fleet, ports, 0));
rows.push(await measure('32 replicas, 2 streams each', fleet, ports, 2));
rows.push(await measure('32 replicas, 8 streams each', fleet, ports, 8));
await fleet.stop();

const f = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
console.log(`\nLight load, real time, profile qwen3-8b-h100, ${SECONDS} s windows (server CPU from /proc)\n`);
console.log('| setup | open streams | tokens/s | server CPU % | CPU µs/token | scheduler lag p99 ms |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows)
  console.log(`| ${r.setup} | ${r.streams} | ${f(r.tokensPerSecond)} | ${f(r.cpuPercent, 1)} | ${f(r.cpuUsPerToken, 1)} | ≤ ${f(r.lagP99Ms, 1)} |`);
