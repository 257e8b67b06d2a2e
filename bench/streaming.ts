/**
 * @module Streaming throughput and scheduling lag, llmsim against the baseline at each concurrency; open-stream memory;
 * how many due tokens share one write in scaled and virtual time; and the streamed-chat workload variants (bench/variants.ts).
 */
import { llmsim, baseline, type Child } from './processes.ts';
import { percentile } from '../src/loadgen/metrics.ts';
import { chatBody, BURST } from './nonstream.ts';
import { sideBySide, burstSide, lightSide, type PromptSets, type Side, type VariantResult } from './variants.ts';
import { runStreamLoad } from './stream-load.ts';
import { scrapeLag, lagQuantile } from './lag.ts';
import { countChunks } from './chunk-count.ts';

/** The engine's batch caps lifted: the baseline has none, and the measurement is of llmsim's own overhead. */
export const UNCAPPED = ['--max-num-seqs', '1000000', '--max-num-batched-tokens', '100000000'];
/** Stream lengths spread over 200 × [0.5, 1.5] tokens, so streams opened together do not end together. */
const STREAM = { maxTokens: 200, lengthSpread: 0.5 } as const;

export interface StreamRow {
  readonly streams: number;
  readonly offered: number;
  readonly events: number;
  /** p99 scheduler lag, ms (llmsim: upper bound of the histogram bucket holding the p99). */
  readonly lagP99Ms: number;
  /** p99 delivery lag (how late a step's last chunk was written), ms, likewise. */
  readonly deliveryP99Ms: number;
  readonly cpuPercent: number;
}

export async function streamingLevel(concurrency: number, seconds: number): Promise<{ base: StreamRow; sim: StreamRow }> {
  const b = await baseline(9102, 20);
  let cpu0 = 0;
  let t0 = 0;
  const br = await runStreamLoad({
    url: b.url,
    concurrency,
    seconds,
    ...STREAM,
    onWindowStart: () => {
      [cpu0, t0] = [b.cpuSeconds(), performance.now()];
      void fetch(`${b.url}/stats`);
    },
  });
  const bCpu = (100 * (b.cpuSeconds() - cpu0)) / ((performance.now() - t0) / 1000);
  const stats = (await (await fetch(`${b.url}/stats`)).json()) as { lag_p99_ms: number; delivery_p99_ms: number };
  await b.stop();
  const s = await llmsim(9103, ['--profile', 'bench-fixed-20ms', ...UNCAPPED]);
  let before = await scrapeLag(s.url);
  const sr = await runStreamLoad({
    url: s.url,
    concurrency,
    seconds,
    ...STREAM,
    onWindowStart: () => {
      [cpu0, t0] = [s.cpuSeconds(), performance.now()];
      void scrapeLag(s.url).then((x) => (before = x));
    },
  });
  const sCpu = (100 * (s.cpuSeconds() - cpu0)) / ((performance.now() - t0) / 1000);
  const after = await scrapeLag(s.url);
  const lag = lagQuantile(before.scheduler, after.scheduler, 0.99) * 1000;
  const delivery = lagQuantile(before.delivery, after.delivery, 0.99) * 1000;
  await s.stop();
  const offered = concurrency * 50;
  return {
    base: { streams: concurrency, offered, events: br.events / br.window, lagP99Ms: stats.lag_p99_ms, deliveryP99Ms: stats.delivery_p99_ms, cpuPercent: bCpu },
    sim: { streams: concurrency, offered, events: sr.events / sr.window, lagP99Ms: lag, deliveryP99Ms: delivery, cpuPercent: sCpu },
  };
}

/** The highest events/s among the rows whose p99 lag is within `maxLagMs` (0 when none is). */
export function ceilingAt(rows: readonly StreamRow[], maxLagMs: number): number {
  return rows.filter((r) => r.lagP99Ms <= maxLagMs).reduce((m, r) => Math.max(m, r.events), 0);
}

export async function openStreamMemory(count: number, seconds: number): Promise<{ idleMb: number; peakMb: number; kbPerStream: number; errors: number }> {
  const sim = await llmsim(9104, ['--profile', 'bench-fixed-1s', ...UNCAPPED]);
  const idle = sim.rssBytes();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, sim.rssBytes())), 500);
  const r = await runStreamLoad({ url: sim.url, concurrency: count, seconds, maxTokens: 1000, rampSeconds: seconds / 2.5 });
  clearInterval(timer);
  await sim.stop();
  return { idleMb: idle / 2 ** 20, peakMb: peak / 2 ** 20, kbPerStream: (peak - idle) / 1024 / count, errors: r.errors };
}

/** Tokens per write for one 200-token stream: 20 ms steps at several speedups ('inf' = virtual time), and the instant profile. */
export async function coalescing(speedups: readonly string[]): Promise<{ mode: string; events: number; chunks: number }[]> {
  const cases = [
    ...speedups.map((x) => ({ mode: `20 ms steps, --speedup ${x}`, args: ['--profile', 'bench-fixed-20ms', '--speedup', x] })),
    { mode: 'instant profile (zero-time steps), real clock', args: ['--profile', 'instant'] },
  ];
  const out: { mode: string; events: number; chunks: number }[] = [];
  for (const c of cases) {
    const sim = await llmsim(9106, c.args);
    const counted = await countChunks(9106, 200);
    await sim.stop();
    out.push({ mode: c.mode, ...counted });
  }
  return out;
}

/** A streamed chat body for the burst and light-load variants: short answers, so a light-load window holds many. */
const shortStream = (content: string): string => chatBody(content, { stream: true, max_tokens: 32 });

/** Closed-loop streams (100-300 tokens, ramped in over 1 s): tokens/s, TTFT of the streams opened in the window, CPU per token. */
async function steadyStreams(child: Child, concurrency: number, seconds: number, prompts: readonly string[] | null): Promise<Side> {
  const ttfts: number[] = [];
  let cpu0 = 0;
  let cpu1 = 0;
  let opened = 0;
  const ramp = 1;
  const r = await runStreamLoad({
    url: child.url,
    concurrency,
    seconds,
    ...STREAM,
    rampSeconds: ramp,
    content: (id) => {
      opened = Math.max(opened, id + 1);
      return prompts ? (prompts[id % prompts.length] as string) : 'Hello, how are you today?';
    },
    onStreamDone: (t) => void (t.inWindow && t.eventTimes.length > 0 && ttfts.push((t.eventTimes[0] as number) - t.sentAt)),
    // The window closes `seconds` after the start; read the CPU there, not after the open streams are dropped.
    onWindowStart: () => {
      cpu0 = child.cpuSeconds();
      setTimeout(() => (cpu1 = child.cpuSeconds()), (seconds - ramp - 0.5) * 1000);
    },
  });
  ttfts.sort((a, b) => a - b);
  return {
    rate: r.events / r.window,
    p50Ms: percentile(ttfts, 50),
    p99Ms: percentile(ttfts, 99),
    cpuUs: ((cpu1 - cpu0) * 1e6) / r.events,
    errors: r.errors,
    repeated: prompts !== null && opened > prompts.length,
  };
}

/** Every streamed-chat variant: 20 ms steps for both servers (llmsim `bench-fixed-20ms`, caps lifted, one preparation worker). */
export async function streamVariants(prompts: PromptSets, concurrency: number, seconds: number, lightSeconds: number): Promise<VariantResult[]> {
  const b = await baseline(9122, 20);
  const s = await llmsim(9123, ['--profile', 'bench-fixed-20ms', ...UNCAPPED, '--prepare-workers', '1']);
  const n = seconds > 8 ? 6 : 3;
  const burst = { size: BURST.size, periodMs: 2000, bursts: n };
  const out = [
    await sideBySide(`(a) same small prompt, ${concurrency} streams`, b, s, (c) => steadyStreams(c, concurrency, seconds, null)),
    await sideBySide(`(b) unique ~1k-token prompts, ${concurrency} streams`, b, s, (c) => steadyStreams(c, concurrency, seconds, prompts.steady1k)),
    await sideBySide(`(c) unique ~8k-token prompts, ${concurrency} streams`, b, s, (c) => steadyStreams(c, concurrency, seconds, prompts.steady8k)),
    await sideBySide(
      `(d) bursts: ${n} × ${burst.size} simultaneous 32-token streams of unique 1k prompts, one every ${burst.periodMs / 1000} s`,
      b,
      s,
      (c, once) => burstSide(c, once, prompts.burst1k, burst, shortStream, true),
    ),
    await sideBySide('(e) light load: 1 stream of 32 tokens at a time, unique 1k prompts', b, s, (c, once) =>
      lightSide(c, once, prompts.light1, 1, lightSeconds, shortStream, true),
    ),
    await sideBySide('(e) light load: 10 streams of 32 tokens at a time, unique 1k prompts', b, s, (c, once) =>
      lightSide(c, once, prompts.light10, 10, lightSeconds, shortStream, true),
    ),
  ];
  await b.stop();
  await s.stop();
  return out;
}
