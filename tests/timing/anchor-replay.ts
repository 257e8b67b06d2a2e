/**
 * @module Replays a calibration anchor (anchors.ts) on the virtual clock: Lambda's bursts step by step, every other
 * anchor as its `vllm bench serve` run through src/calibrate/replay.ts, with the anchor's own profile or an override.
 */
import { createVirtualClock } from '../../src/clock/clock.ts';
import { createStepModel } from '../../src/timing/step-model.ts';
import { createKvCache } from '../../src/engine/kv-cache.ts';
import { createStepEngine } from '../../src/engine/step-engine.ts';
import { loadProfile, defaultBatchLimits, kvCapacityBlocks, withRelease, type Profile } from '../../src/timing/profile.ts';
import { simulateBench, type BenchMetrics } from '../../src/calibrate/replay.ts';
import type { Anchor, Metric, Run } from './anchors.ts';

/** The 10 ShareGPT prompts of Lambda's prompt_10 runs total 1,369 input tokens. */
const TEN_PROMPTS = [62, 83, 95, 104, 121, 133, 148, 170, 201, 252];
const BATCH_256 = Array.from({ length: 256 }, () => 250);

/**
 * Lambda's bursts: all prompts arrive at t=0, each generates 64 tokens. TTFT is the mean over requests; the decode step
 * is the median step once every request is decoding; throughput is batch / step.
 */
function replayLambda(profile: Profile, prompts: readonly number[], metric: Metric): number {
  const limits = defaultBatchLimits(profile);
  const clock = createVirtualClock();
  const steps: { duration: number; prefill: number; batch: number }[] = [];
  const engine = createStepEngine({
    clock,
    model: createStepModel(profile),
    kv: createKvCache({ totalBlocks: kvCapacityBlocks(profile, 16, 0.9), blockSize: 16, enablePrefixCaching: false }),
    maxNumSeqs: Math.max(limits.maxNumSeqs, prompts.length),
    maxNumBatchedTokens: limits.maxNumBatchedTokens,
    observer: { step: (s) => steps.push({ duration: s.duration, prefill: s.prefillTokens, batch: s.batchSize }) },
  });
  const ttfts: number[] = [];
  prompts.forEach((len, i) => {
    let first = true;
    engine.submit(
      { requestId: `a${i}`, promptTokenIds: new Array<number>(len).fill(0), sequences: [{ outputTokens: 64 }], priority: 0, maxTokens: 64 },
      {
        onTokens: () => {
          if (first) ttfts.push(clock.now());
          first = false;
        },
        onFinished: () => {},
      },
    );
  });
  clock.runUntilIdle();
  if (metric === 'ttft') return (ttfts.reduce((a, b) => a + b, 0) / ttfts.length) * 1000;
  const decode = steps
    .filter((s) => s.prefill === 0 && s.batch === prompts.length)
    .map((s) => s.duration)
    .sort((a, b) => a - b);
  const step = decode[Math.floor(decode.length / 2)] as number;
  return metric === 'decode_step' ? step * 1000 : prompts.length / step;
}

export function pick(metrics: BenchMetrics, metric: Metric): number {
  if (metric === 'ttft') return metrics.meanTtftMs;
  if (metric === 'ttft_median') return metrics.medianTtftMs;
  if (metric === 'itl_median') return metrics.medianItlMs;
  if (metric === 'tpot') return metrics.meanTpotMs;
  if (metric === 'output_throughput') return metrics.outputThroughput;
  if (metric === 'total_throughput') return metrics.totalThroughput;
  throw new Error(`metric ${metric} is not a bench metric`);
}

/** Evenly spread lengths with the given mean, interleaved (a fixed permutation) so neighbours differ. */
function lengths(n: number, mean: number, spread: number): number[] {
  if (!spread) return new Array<number>(n).fill(mean);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = (i * 7919) % n;
    out.push(Math.max(1, Math.round(mean * (1 - spread + (2 * spread * (k + 0.5)) / n))));
  }
  return out;
}

export function runWorkload(r: Run): { inputLens: number[]; outputLens: number[]; maxConcurrency: number | null; requestRate: number; maxNumSeqs?: number } {
  return {
    inputLens: lengths(r.n, r.input, r.inputSpread ?? r.spread ?? 0),
    outputLens: lengths(r.n, r.output, r.outputSpread ?? r.spread ?? 0),
    maxConcurrency: r.concurrency,
    requestRate: Infinity,
    ...(r.maxNumSeqs ? { maxNumSeqs: r.maxNumSeqs } : {}),
  };
}

/** The anchor's own profile at the anchor's release. */
export function anchorProfile(anchor: Anchor): Profile {
  const p = loadProfile(anchor.profile);
  // A profile modelling the anchor's release keeps its own overrides (e.g. a per-tokenizer front-end cost).
  return p.vllm === anchor.release ? p : withRelease(p, anchor.release);
}

// A run's metrics with the anchor's own profile, shared by its anchors (one replay per run, not one per metric).
const shipped = new Map<string, BenchMetrics>();

export function replay(anchor: Anchor, profile?: Profile): number {
  const p = profile ?? anchorProfile(anchor);
  if (anchor.run === 'lambda-10' || anchor.run === 'lambda-256') return replayLambda(p, anchor.run === 'lambda-10' ? TEN_PROMPTS : BATCH_256, anchor.metric);
  if (profile) return pick(simulateBench(p, runWorkload(anchor.run)), anchor.metric);
  const key = `${anchor.profile}|${anchor.release}|${JSON.stringify(anchor.run)}`;
  let metrics = shipped.get(key);
  if (!metrics) shipped.set(key, (metrics = simulateBench(p, runWorkload(anchor.run))));
  return pick(metrics, anchor.metric);
}
