/**
 * llmsim benchmarks, side by side with the bare node:http baseline (bench/baseline-server.ts), each server pinned to core 0
 * and this load generator to core 1. Prints one table per measurement; non-streamed and streamed chat each get every
 * workload variant of bench/variants.ts (repeated body, unique 1k/8k prompts, bursts, light load). The results and
 * this command live in docs/PERFORMANCE.md:
 *
 *   npm run bench                (everything, about 25 minutes)
 *   npm run bench -- quick       (shorter runs and fewer levels, about 6 minutes)
 *   npm run bench -- nonstream   (or: stream | memory | coalescing | fidelity)
 */
import { pinned } from './processes.ts';
import { nonStreamVariants } from './nonstream.ts';
import { streamingLevel, ceilingAt, openStreamMemory, coalescing, streamVariants, UNCAPPED, type StreamRow } from './streaming.ts';
import { promptSets, variantTable } from './variants.ts';
import { fidelity } from './fidelity.ts';

const quick = process.argv.includes('quick');
const SECONDS = quick ? 5 : 8;
/** Streaming levels and fidelity runs: a p99 over 20 ms steps needs a long window (25 s ≈ 1,150 steps after warm-up). */
const STREAM_SECONDS = quick ? 8 : 25;
const only = process.argv.find((a) => ['nonstream', 'stream', 'memory', 'coalescing', 'fidelity'].includes(a));
const runs = (part: string): boolean => !only || only === part;

function table(title: string, head: string[], rows: string[][]): void {
  process.stdout.write(
    `\n${title}\n| ${head.join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`,
  );
}
const f0 = (x: number): string => x.toFixed(0);
const f1 = (x: number): string => x.toFixed(1);
const f2 = (x: number): string => x.toFixed(2);
const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(0)}%`;

process.stdout.write(
  `llmsim bench (${quick ? 'quick' : 'full'}); servers pinned to core 0: ${pinned ? 'yes' : 'no (taskset missing)'}; Node ${process.version}\n`,
);

const variantsWanted = runs('nonstream') || runs('stream');
const prompts = variantsWanted ? promptSets(quick) : null;
if (prompts && runs('nonstream')) {
  const rows = await nonStreamVariants(prompts, quick ? 1 : 3, SECONDS);
  process.stdout.write(
    variantTable(
      `Non-streamed chat (16 tokens, ignore_eos), llmsim instant profile --prepare-workers 1, every variant on the baseline then llmsim, each after its warm-up; steady rows autocannon for ${SECONDS} s, latency = whole answer`,
      { rate: 'req/s', latency: 'latency', cpu: 'request' },
      rows,
    ),
  );
  const ratios = rows
    .filter((r) => r.label.startsWith('(a)'))
    .map((r) => r.sim.rate / r.base.rate)
    .sort((a, b) => a - b);
  process.stdout.write(`median llmsim/baseline req/s, repeated body: ${f0(100 * (ratios[Math.floor(ratios.length / 2)] as number))}% (target ≥ 60%)\n`);
}

let simCeiling = 0;
if (runs('stream') || runs('fidelity')) {
  const levels = runs('stream') ? (quick ? [400, 600, 800, 1000] : [400, 500, 600, 700, 800, 900, 1000, 1200, 1500, 2000]) : [400, 600, 800, 1000];
  const base: StreamRow[] = [];
  const sim: StreamRow[] = [];
  for (const level of levels) {
    const r = await streamingLevel(level, STREAM_SECONDS);
    base.push(r.base);
    sim.push(r.sim);
  }
  simCeiling = ceilingAt(sim, 10);
  if (runs('stream')) {
    table(
      `Streaming: closed-loop streams of 100-300 tokens at 50 tokens/s (20 ms steps; llmsim ${UNCAPPED.join(' ')}); p99 ms of lag = how late steps fired, delivery = how late a step's last chunk was written (llmsim: upper bucket bounds)`,
      [
        'streams',
        'offered ev/s',
        'baseline ev/s',
        'baseline lag p99',
        'baseline delivery p99',
        'baseline CPU %',
        'llmsim ev/s',
        'llmsim lag p99',
        'llmsim delivery p99',
        'llmsim CPU %',
      ],
      levels.map((_, i) => {
        const [b, s] = [base[i] as StreamRow, sim[i] as StreamRow];
        return [
          String(b.streams),
          f0(b.offered),
          f0(b.events),
          f1(b.lagP99Ms),
          f1(b.deliveryP99Ms),
          f0(b.cpuPercent),
          f0(s.events),
          `≤ ${s.lagP99Ms}`,
          `≤ ${s.deliveryP99Ms}`,
          f0(s.cpuPercent),
        ];
      }),
    );
    const baseCeiling = ceilingAt(base, 10);
    process.stdout.write(
      `highest events/s with p99 lag ≤ 10 ms: baseline ${f0(baseCeiling)}, llmsim ${f0(simCeiling)} (${baseCeiling > 0 ? pct(simCeiling, baseCeiling) : 'n/a'}; target ≥ 80%)\n`,
    );
    const delivered = (rows: StreamRow[]): number =>
      ceilingAt(
        rows.map((r) => ({ ...r, lagP99Ms: r.deliveryP99Ms })),
        10,
      );
    process.stdout.write(`highest events/s with p99 delivery lag ≤ 10 ms: baseline ${f0(delivered(base))}, llmsim ${f0(delivered(sim))}\n`);
  }
}

if (prompts && runs('stream')) {
  const concurrency = 100;
  const rows = await streamVariants(prompts, concurrency, quick ? 5 : 12, quick ? 3 : 8);
  process.stdout.write(
    variantTable(
      `Streamed chat, 20 ms steps on both (llmsim bench-fixed-20ms ${UNCAPPED.join(' ')} --prepare-workers 1), every variant on the baseline then llmsim; steady rows: closed loop of 100-300-token streams, tokens/s and TTFT in the window after a 1.5 s ramp; latency = TTFT`,
      { rate: 'tokens/s', latency: 'TTFT', cpu: 'token' },
      rows,
    ),
  );
}

if (runs('memory')) {
  const count = quick ? 2000 : 8000;
  const m = await openStreamMemory(count, quick ? 10 : 20);
  table(
    `${count} concurrent open streams (1 token/s each, 1000-token answers)`,
    ['idle RSS MB', 'peak RSS MB', 'KB per stream', 'errors'],
    [[f0(m.idleMb), f0(m.peakMb), f1(m.kbPerStream), String(m.errors)]],
  );
}

if (runs('coalescing')) {
  const rows = await coalescing(['1', '10', '100', 'inf']);
  table(
    'One 200-token stream: HTTP chunks (= socket writes) per run',
    ['mode', 'SSE events', 'chunks (writes)', 'events per write'],
    rows.map((r) => [r.mode, String(r.events), String(r.chunks), f1(r.events / r.chunks)]),
  );
}

if (runs('fidelity')) {
  // Half the streaming ceiling measured above, on the same workload (20 ms steps, spread lengths).
  const half = Math.round((simCeiling || 75_000) / 2 / 50);
  const cases = [
    { label: 'Llama-3.1-8B H100, 64 streams of 64 tokens', profile: 'llama-3.1-8b-instruct-h100', concurrency: 64, maxTokens: 64 },
    {
      label: `20 ms steps at half the ceiling (${half} streams, ${half * 50} ev/s)`,
      profile: 'bench-fixed-20ms',
      concurrency: half,
      maxTokens: 200,
      lengthSpread: 0.5,
      extra: UNCAPPED,
    },
  ];
  const rows = [];
  for (const c of cases) rows.push(await fidelity(c, STREAM_SECONDS));
  table(
    'Real-time fidelity: client-observed vs planned (trace), per request, after warm-up',
    ['workload', 'ev/s', 'requests', 'TTFT |diff| p50 ms', 'p99 ms', 'mean ITL |diff| p50 ms', 'p99 ms', 'load generator loop delay p99 ms'],
    rows.map((r) => [r.label, f0(r.events), String(r.requests), f2(r.ttftP50), f2(r.ttftP99), f2(r.itlP50), f2(r.itlP99), f1(r.clientDelayP99)]),
  );
}
