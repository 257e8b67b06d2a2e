/**
 * @module Fits a profile's efficiency and CPU terms to measured benchmark points: Nelder–Mead on the sum of squared
 * log errors (TTFT, TPOT, ITL, output throughput) of each point replayed on the virtual clock.
 */
import type { Profile } from '../timing/profile.ts';
import { simulateBench, type BenchMetrics } from './replay.ts';
import type { BenchPoint } from './results.ts';

/** Terms `llmsim calibrate` can fit. */
export const FIT_TERMS = ['weights', 'compute', 'kv', 'ingress_ms', 'per_step_ms', 'per_seq_us', 'frontend_request_ms', 'frontend_chunk_us'] as const;
export type FitTerm = (typeof FIT_TERMS)[number];

export function getTerm(p: Profile, t: FitTerm): number {
  return t === 'weights' || t === 'compute' || t === 'kv' ? p.efficiency[t] : p.overheads[t];
}

export function setTerms(p: Profile, values: Partial<Record<FitTerm, number>>): Profile {
  const eff = { ...p.efficiency };
  const over = { ...p.overheads };
  for (const [t, v] of Object.entries(values) as [FitTerm, number][]) {
    if (t === 'weights' || t === 'compute' || t === 'kv') eff[t] = v;
    else over[t] = v;
  }
  return { ...p, efficiency: eff, overheads: over };
}

const METRICS = [
  ['meanTtftMs', 'meanTtftMs'],
  ['meanTpotMs', 'meanTpotMs'],
  ['meanItlMs', 'meanItlMs'],
  ['outputThroughput', 'outputThroughput'],
] as const;

/** Sum over points and measured metrics of log(simulated / measured)². */
export function objective(p: Profile, points: readonly BenchPoint[]): number {
  let sum = 0;
  for (const point of points) {
    const sim = simulateBench(p, point.workload);
    for (const [m, s] of METRICS) {
      const measured = point.measured[m];
      if (measured === undefined || measured <= 0) continue;
      const value = sim[s as keyof BenchMetrics];
      sum += value > 0 ? Math.log(value / measured) ** 2 : 100;
    }
  }
  return sum;
}

/** Minimizes f over R^n from x0 (Nelder–Mead, standard coefficients); stops on tolerance or the evaluation budget. */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  { step = 0.2, maxEvals = 400, tol = 1e-10 } = {},
): { x: number[]; fx: number; evals: number } {
  const n = x0.length;
  let evals = 0;
  const F = (x: number[]): number => {
    evals++;
    return f(x);
  };
  let simplex = [x0, ...x0.map((_, i) => x0.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, fx: F(x) }));
  while (evals < maxEvals) {
    simplex.sort((a, b) => a.fx - b.fx);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.fx - best.fx) <= tol * (Math.abs(best.fx) + 1e-12) && evals > 2 * n) break;
    const centroid = x0.map((_, j) => simplex.slice(0, n).reduce((s, v) => s + v.x[j]!, 0) / n);
    const at = (t: number): number[] => centroid.map((c, j) => c + t * (worst.x[j]! - c));
    const reflected = { x: at(-1), fx: 0 };
    reflected.fx = F(reflected.x);
    if (reflected.fx < best.fx) {
      const expanded = { x: at(-2), fx: 0 };
      expanded.fx = F(expanded.x);
      simplex[n] = expanded.fx < reflected.fx ? expanded : reflected;
    } else if (reflected.fx < simplex[n - 1]!.fx) simplex[n] = reflected;
    else {
      const contracted = { x: at(reflected.fx < worst.fx ? -0.5 : 0.5), fx: 0 };
      contracted.fx = F(contracted.x);
      if (contracted.fx < Math.min(worst.fx, reflected.fx)) simplex[n] = contracted;
      else
        simplex = simplex.map((v, i) =>
          i === 0 ? v : { x: v.x.map((xj, j) => best.x[j]! + 0.5 * (xj - best.x[j]!)), fx: F(v.x.map((xj, j) => best.x[j]! + 0.5 * (xj - best.x[j]!))) },
        );
    }
  }
  simplex.sort((a, b) => a.fx - b.fx);
  return { x: simplex[0]!.x, fx: simplex[0]!.fx, evals };
}

export interface FitResult {
  readonly profile: Profile;
  readonly values: Record<string, number>;
  readonly objective: number;
  readonly evals: number;
}

/**
 * Fits `terms` of `start` to `points`. Terms are searched in log space (all are positive); a CPU term at 0 starts
 * from a small positive value. Two restarts from the best point guard against a collapsed simplex.
 */
export function fitProfile(start: Profile, points: readonly BenchPoint[], terms: readonly FitTerm[], maxEvals = 400): FitResult {
  const floor: Record<FitTerm, number> = {
    weights: 0.05,
    compute: 0.05,
    kv: 0.05,
    ingress_ms: 0.1,
    per_step_ms: 0.01,
    per_seq_us: 0.1,
    frontend_request_ms: 1,
    frontend_chunk_us: 20,
  };
  const x0 = terms.map((t) => Math.log(Math.max(getTerm(start, t), floor[t])));
  // Efficiencies are fractions of a datasheet peak: never above 1.
  const bound = (t: FitTerm, v: number): number => (t === 'weights' || t === 'compute' || t === 'kv' ? Math.min(1, v) : v);
  const build = (x: number[]): Profile => setTerms(start, Object.fromEntries(terms.map((t, i) => [t, bound(t, Math.exp(x[i]!))])));
  const f = (x: number[]): number => objective(build(x), points);
  let best = nelderMead(f, x0, { maxEvals });
  let evals = best.evals;
  for (let r = 0; r < 2; r++) {
    const again = nelderMead(f, best.x, { step: 0.05, maxEvals: Math.min(maxEvals, Math.max(20, maxEvals / 4)) });
    evals += again.evals;
    if (again.fx <= best.fx) best = again;
  }
  const profile = build(best.x);
  return { profile, values: Object.fromEntries(terms.map((t) => [t, getTerm(profile, t)])), objective: best.fx, evals };
}
