/**
 * `llmsim bench --simulate` CPU cost: 10,000 requests (random 1,024-token prompts, 128 output tokens, Poisson 20 req/s)
 * on the llama-3.1-8b-instruct-h100 profile, in-process on the virtual clock. Reports CPU seconds (process.cpuUsage:
 * the machine may be shared) for sampling, simulation and metrics separately.
 * Run: node --import tsx bench/simulate-10k.ts [N]
 */
import { parseBenchArgs, type BenchOptions } from '../src/loadgen/options.ts';
import { sampleRequests, arrivalOffsets } from '../src/loadgen/dataset.ts';
import { simulate } from '../src/loadgen/simulate.ts';
import { computeMetrics } from '../src/loadgen/metrics.ts';

const n = Number(process.argv[2] ?? 10_000);
const o = parseBenchArgs([
  '--simulate',
  '--num-prompts',
  String(n),
  '--random-input-len',
  '1024',
  '--random-output-len',
  '128',
  '--request-rate',
  '20',
]) as BenchOptions;
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const c0 = cpu();
const samples = sampleRequests(o);
const offsets = arrivalOffsets(samples.length, o.requestRate, o.burstiness, o.seed);
const c1 = cpu();
const run = simulate(o.profile, samples, offsets, null);
const c2 = cpu();
const m = computeMetrics(run.outputs, run.durationS, [50, 99]);
const c3 = cpu();
process.stdout.write(
  `| requests | simulated s | sampling CPU s | simulation CPU s | metrics CPU s | total CPU s | mean TTFT ms | output tok/s |\n|---|---|---|---|---|---|---|---|\n`,
);
process.stdout.write(
  `| ${n} | ${run.durationS.toFixed(1)} | ${(c1 - c0).toFixed(2)} | ${(c2 - c1).toFixed(2)} | ${(c3 - c2).toFixed(2)} | ${(c3 - c0).toFixed(2)} | ${m.stats.ttft.mean.toFixed(1)} | ${m.outputThroughput.toFixed(0)} |\n`,
);
