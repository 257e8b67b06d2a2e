/**
 * @module The bench's HTML report: one self-contained file (inline SVG and CSS, no script, no CDN) with the summary
 * table, latency CDFs, output throughput over time, llmsim's batch size / queue / KV usage over time, and the ground
 * truth when the trace was joined.
 */
import { lineChart, cdf, esc } from './svg-chart.ts';
import type { BenchMetrics, RequestOutput } from './metrics.ts';
import type { GroundTruth } from './ground-truth.ts';

/** llmsim's engine state at one moment (seconds since the start: wall over HTTP, simulated with --simulate). */
export interface EngineSample {
  readonly t: number;
  readonly running: number;
  readonly waiting: number;
  readonly kvUsage: number;
}

export interface ReportInput {
  readonly title: string;
  readonly summary: string;
  readonly metrics: BenchMetrics;
  readonly outputs: readonly RequestOutput[];
  readonly engine: readonly EngineSample[];
  readonly truth: GroundTruth | null;
  readonly simulated: boolean;
}

export function htmlReport(r: ReportInput): string {
  const ok = r.outputs.filter((o) => o.success);
  const time = r.simulated ? 'simulated s' : 's';
  const ms = (xs: number[]): number[] => xs.map((x) => x * 1000);
  const tpots = ok.filter((o) => o.outputTokens > 1).map((o) => (o.latency - o.ttft) / (o.outputTokens - 1));
  const figures = [
    lineChart('TTFT (CDF)', 'ms', 'fraction', [{ name: 'TTFT', points: cdf(ms(ok.map((o) => o.ttft))), color: '#1f77b4' }]),
    lineChart('TPOT (CDF)', 'ms', 'fraction', [{ name: 'TPOT', points: cdf(ms(tpots)), color: '#ff7f0e' }]),
    lineChart('ITL (CDF)', 'ms', 'fraction', [{ name: 'ITL', points: cdf(ms(allItl(ok))), color: '#2ca02c' }]),
    lineChart('End-to-end latency (CDF)', 'ms', 'fraction', [{ name: 'E2EL', points: cdf(ms(ok.map((o) => o.latency))), color: '#d62728' }]),
    lineChart('Output throughput', time, 'tokens/s', [{ name: 'output tok/s', points: throughput(ok), color: '#9467bd' }]),
  ];
  if (r.engine.length > 0) {
    figures.push(
      lineChart('llmsim batch and queue', time, 'requests', [
        { name: 'running (batch)', points: r.engine.map((e) => [e.t, e.running] as const), color: '#1f77b4' },
        { name: 'waiting (queue)', points: r.engine.map((e) => [e.t, e.waiting] as const), color: '#ff7f0e' },
      ]),
      lineChart('llmsim KV-cache usage', time, '%', [{ name: 'KV usage', points: r.engine.map((e) => [e.t, e.kvUsage * 100] as const), color: '#2ca02c' }]),
    );
  }
  if (r.truth && r.truth.addedTtft.length > 0)
    figures.push(
      lineChart('TTFT added by the path (client - engine, CDF)', 'ms', 'fraction', [{ name: 'added TTFT', points: cdf(r.truth.addedTtft), color: '#8c564b' }]),
    );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}pre{background:#f6f6f6;padding:12px;font-size:12px}
.grid{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;border:1px solid #ddd;padding:4px}</style></head>
<body><h1>${esc(r.title)}</h1>
<pre>${esc(r.summary)}</pre>
<div class="grid">${figures.join('\n')}</div>
</body></html>
`;
}

/** Output tokens per whole second of the run (vLLM's buckets), as points. */
function throughput(ok: readonly RequestOutput[]): [number, number][] {
  if (ok.length === 0) return [];
  const start = ok.reduce((a, o) => Math.min(a, o.startTime), Infinity);
  const counts: number[] = [];
  for (const o of ok) {
    let t = o.startTime + o.ttft;
    const add = (x: number): void => {
      const b = Math.floor(x - start);
      counts[b] = (counts[b] ?? 0) + 1;
    };
    add(t);
    for (const gap of o.itl) add((t += gap));
  }
  return Array.from(counts, (c, i) => [i, c ?? 0] as [number, number]);
}

function allItl(ok: readonly RequestOutput[]): number[] {
  const out: number[] = [];
  for (const o of ok) for (const gap of o.itl) out.push(gap);
  return out;
}
