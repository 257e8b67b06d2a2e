/**
 * @module Replays a `vllm bench serve` run on the virtual clock: the same requests (prompt and output lengths), the
 * same client (`--max-concurrency` slots, `--request-rate` with gamma-distributed gaps), against the step engine with
 * a given profile, and reports the metrics the benchmark prints. Used by `llmsim calibrate`, the calibration anchors
 * and their test. Prompts are unique (random/ShareGPT data): each request gets its own cache salt, so no request hits
 * another's blocks; prefix caching is on as in vLLM's V1 engine (off for the 0.6 era), which matters under KV
 * pressure: a preempted request finds its own computed blocks again unless they were evicted meanwhile.
 */
import { createVirtualClock } from '../clock/clock.ts';
import { createKvCache } from '../engine/kv-cache.ts';
import { createStepEngine } from '../engine/step-engine.ts';
import { createStepModel } from '../timing/step-model.ts';
import { defaultBatchLimits, kvCapacityBlocks, frontEndCosts, type Profile } from '../timing/profile.ts';
import { withFrontEnd } from '../engine/frontend.ts';
import { createUniform } from '../timing/jitter.ts';

export interface BenchWorkload {
  readonly inputLens: readonly number[];
  readonly outputLens: readonly number[];
  /** Client-side cap on requests in flight (`--max-concurrency`); null = none. */
  readonly maxConcurrency: number | null;
  /** Requests per second (`--request-rate`); Infinity sends everything at once. */
  readonly requestRate: number;
  /** Gamma shape of the gaps (`--burstiness`, 1 = Poisson). */
  readonly burstiness?: number;
  readonly seed?: number;
  /** Engine limits when the run set them (`--max-num-seqs`, `--max-num-batched-tokens`); else the GPU's defaults. */
  readonly maxNumSeqs?: number;
  readonly maxNumBatchedTokens?: number;
}

export interface BenchMetrics {
  readonly durationS: number;
  readonly meanTtftMs: number;
  readonly medianTtftMs: number;
  readonly meanTpotMs: number;
  readonly meanItlMs: number;
  readonly medianItlMs: number;
  readonly meanE2elMs: number;
  readonly requestThroughput: number;
  readonly outputThroughput: number;
  readonly totalThroughput: number;
}

/** Gaps between sends: exponential (burstiness 1) or gamma via the sum of `k` exponentials for integer shapes. */
function arrivalTimes(n: number, rate: number, burstiness: number, seed: number): number[] {
  if (!Number.isFinite(rate)) return new Array<number>(n).fill(0);
  const uniform = createUniform(seed);
  const shape = Math.max(1, Math.round(burstiness));
  const out: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    out.push(t);
    let gap = 0;
    for (let k = 0; k < shape; k++) gap += -Math.log(uniform()) / (rate * shape);
    t += gap;
  }
  return out;
}

const median = (xs: number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * Whether the requests that can be in flight together could outgrow the KV cache. If not, nothing is ever preempted,
 * and prefix caching over unique prompts changes no step (no request can hit another's blocks): the replay then skips
 * hashing every prompt block, which is most of its CPU on runs of millions of prompt tokens.
 */
function mayPreempt(w: BenchWorkload, kvTokens: number): boolean {
  // Blocks of 16 tokens, as the engine allocates them.
  const sizes = w.inputLens.map((len, i) => Math.ceil((Math.max(1, len) + Math.max(1, w.outputLens[i] ?? 1)) / 16) * 16).sort((a, b) => b - a);
  const inFlight = Math.min(sizes.length, w.maxConcurrency ?? Infinity, w.maxNumSeqs ?? Infinity);
  let sum = 0;
  for (let i = 0; i < inFlight; i++) sum += sizes[i] as number;
  return sum > kvTokens;
}

export function simulateBench(profile: Profile, w: BenchWorkload): BenchMetrics {
  const n = w.inputLens.length;
  const limits = defaultBatchLimits(profile);
  const clock = createVirtualClock();
  const totalBlocks = kvCapacityBlocks(profile, 16, 0.9);
  const core = createStepEngine({
    clock,
    model: createStepModel(profile),
    kv: createKvCache({ totalBlocks, blockSize: 16, enablePrefixCaching: profile.vllm !== 'v0.6' && mayPreempt(w, totalBlocks * 16) }),
    maxNumSeqs: w.maxNumSeqs ?? limits.maxNumSeqs,
    maxNumBatchedTokens: w.maxNumBatchedTokens ?? limits.maxNumBatchedTokens,
  });
  const engine = withFrontEnd(core, clock, frontEndCosts(profile));
  const sendAt = arrivalTimes(n, w.requestRate, w.burstiness ?? 1, w.seed ?? 0);
  const ttft: number[] = [];
  const tpot: number[] = [];
  const e2el: number[] = [];
  const itl: number[] = [];
  let lastEnd = 0;
  let next = 0;
  let inFlight = 0;
  const cap = w.maxConcurrency ?? Infinity;

  const send = (i: number): void => {
    inFlight++;
    const start = clock.now();
    const out = Math.max(1, w.outputLens[i] ?? 1);
    let first = -1;
    let last = -1;
    let released = 0;
    engine.submit(
      {
        requestId: `b${i}`,
        promptTokenIds: new Array<number>(Math.max(1, w.inputLens[i] ?? 1)).fill(0),
        cacheSalt: `b${i}`,
        sequences: [{ outputTokens: out }],
        priority: 0,
        maxTokens: out,
      },
      {
        onTokens: (_seq, total) => {
          const now = clock.now();
          if (first < 0) first = now;
          else if (total > released) {
            // One streamed chunk per step: vLLM's ITL list holds one gap per chunk.
            itl.push(now - last);
          }
          released = total;
          last = now;
        },
        onFinished: () => {
          const now = clock.now();
          ttft.push(first - start);
          e2el.push(now - start);
          if (out > 1) tpot.push((now - first) / (out - 1));
          lastEnd = Math.max(lastEnd, now);
          inFlight--;
          pump();
        },
      },
    );
  };
  // The client sends request i at its planned time, once a concurrency slot is free (vLLM's semaphore).
  function pump(): void {
    while (next < n && inFlight < cap) {
      const i = next++;
      const at = Math.max(sendAt[i] as number, clock.now());
      if (at <= clock.now()) send(i);
      else {
        inFlight++;
        clock.at(at, () => {
          inFlight--;
          send(i);
        });
      }
    }
  }
  pump();
  clock.runUntilIdle();
  const duration = Math.max(lastEnd, 1e-9);
  const inTokens = w.inputLens.reduce((a, b) => a + b, 0);
  const outTokens = w.outputLens.reduce((a, b) => a + Math.max(1, b), 0);
  return {
    durationS: duration,
    meanTtftMs: mean(ttft) * 1000,
    medianTtftMs: median(ttft) * 1000,
    meanTpotMs: mean(tpot) * 1000,
    meanItlMs: mean(itl) * 1000,
    medianItlMs: median(itl) * 1000,
    meanE2elMs: mean(e2el) * 1000,
    requestThroughput: n / duration,
    outputThroughput: outTokens / duration,
    totalThroughput: (inTokens + outTokens) / duration,
  };
}
