import { describe, it, expect } from 'vitest';
import { loadProfile } from '../timing/profile.ts';
import { simulateBench, type BenchWorkload } from './replay.ts';
import { fitProfile, setTerms, getTerm, type FitTerm } from './fit.ts';
import type { BenchPoint } from './results.ts';

const fixed = (n: number, input: number, output: number, c: number | null): BenchWorkload => ({
  inputLens: new Array<number>(n).fill(input),
  outputLens: new Array<number>(n).fill(output),
  maxConcurrency: c,
  requestRate: Infinity,
});

// A concurrency sweep plus one long prompt: decode at 1 and at the knee separates the per-step cost from weight
// reads, the long prompt pins GEMM efficiency, short-prompt TTFT the front-end delay.
const WORKLOADS = [fixed(2, 128, 24, 1), fixed(1, 4096, 2, 1), fixed(48, 128, 16, 32), fixed(128, 64, 12, 128)];

describe('llmsim calibrate: fitting a profile to benchmark results', () => {
  it("recovers a profile's own terms within 3 % from results simulated with them", () => {
    const base = loadProfile('llama-3.1-8b-instruct-h100');
    const truthValues: Partial<Record<FitTerm, number>> = { weights: 0.72, compute: 0.55, ingress_ms: 7, per_step_ms: 0.9 };
    const truth = setTerms(base, truthValues);
    const points: BenchPoint[] = WORKLOADS.map((workload, i) => {
      const m = simulateBench(truth, workload);
      return {
        label: `p${i}`,
        workload,
        measured: { meanTtftMs: m.meanTtftMs, meanTpotMs: m.meanTpotMs, meanItlMs: m.meanItlMs, outputThroughput: m.outputThroughput },
      };
    });
    const terms = Object.keys(truthValues) as FitTerm[];
    const fit = fitProfile(base, points, terms, 250);
    for (const t of terms) expect(Math.abs(getTerm(fit.profile, t) / (truthValues[t] as number) - 1), t).toBeLessThan(0.03);
  });

  it('is deterministic: the same points give the same fit', () => {
    const base = loadProfile('llama-3.1-8b-instruct-h100');
    const workload = fixed(4, 256, 32, 1);
    const m = simulateBench(setTerms(base, { weights: 0.7 }), workload);
    const points: BenchPoint[] = [{ label: 'a', workload, measured: { meanTpotMs: m.meanTpotMs } }];
    const a = fitProfile(base, points, ['weights'], 80);
    const b = fitProfile(base, points, ['weights'], 80);
    expect(a.values).toEqual(b.values);
    expect(Math.abs(a.values.weights! / 0.7 - 1)).toBeLessThan(0.01);
  });

  it('recovers the front-end queue cost per request from a run the loop limits (300 short requests at once)', () => {
    const base = loadProfile('qwen3-8b-h100');
    const workload = fixed(300, 128, 4, null);
    const m = simulateBench(setTerms(base, { frontend_request_ms: 12 }), workload);
    const points: BenchPoint[] = [{ label: 'burst', workload, measured: { meanTtftMs: m.meanTtftMs, outputThroughput: m.outputThroughput } }];
    const fit = fitProfile(base, points, ['frontend_request_ms'], 60);
    expect(Math.abs(fit.values.frontend_request_ms! / 12 - 1)).toBeLessThan(0.03);
  });
});
