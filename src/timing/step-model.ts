/**
 * @module The step-time model: how long one engine step takes for a given batch. The "roofline blend" of the reference
 * (timing-and-performance.md §1.6): linear layers and lm_head cost a smooth max of weight-read time and GEMM time, plus
 * causal prefill attention, decode KV reads, tensor-parallel all-reduces and a fixed CPU cost per step.
 */
import type { Profile } from './profile.ts';
import { kvBytesPerToken } from './profile.ts';

/** One prefill chunk: `tokens` new prompt tokens computed after `context` tokens already in the KV cache. */
export interface PrefillChunk {
  readonly tokens: number;
  readonly context: number;
  /** The chunk completes the prompt, so the step samples a token for it (an lm_head row). */
  readonly last: boolean;
}

export interface StepBatch {
  readonly prefill: readonly PrefillChunk[];
  /** Context length (tokens in KV) of each decoding sequence. */
  readonly decodeContexts: readonly number[];
}

export interface StepModel {
  /** Duration in seconds of one step running `batch`. */
  stepTime(batch: StepBatch): number;
  /** Front-end delay (HTTP, tokenization, queue hand-off) before a request reaches the scheduler, seconds. */
  readonly ingress: number;
}

export function createStepModel(profile: Profile): StepModel {
  if (profile.fixed_step_ms !== undefined) {
    const fixed = profile.fixed_step_ms * 1e-3;
    return { stepTime: () => fixed, ingress: 0 };
  }
  if (profile.instant || !profile.model || !profile.gpu) return { stepTime: () => 0, ingress: 0 };
  const m = profile.model;
  const g = profile.gpu;
  const e = profile.efficiency;
  const tp = profile.tensor_parallel;
  const bw = g.hbm_tb_s * 1e12;
  const flops = g.dense_tflops * 1e12;
  const pLayers = m.layer_params_b * 1e9;
  const pHead = m.lm_head_params_b * 1e9;
  const kv = kvBytesPerToken(profile);
  const p = e.blend_p;
  const blend = (a: number, b: number): number => (a ** p + b ** p) ** (1 / p);
  const weightTime = (params: number): number => (params * m.dtype_bytes) / (tp * bw * e.weights);
  const gemmTime = (params: number, rows: number): number => (2 * params * rows) / (tp * flops * e.compute);
  const layerFloor = m.layers * profile.overheads.per_layer_us * 1e-6;
  const stepFloor = profile.overheads.per_step_ms * 1e-3;
  const linkBw = (g.link_gb_s ?? 225) * 1e9;
  const allReduceLatency = (g.allreduce_latency_us ?? 15) * 1e-6;
  const attnPerToken = 4 * m.layers * m.heads * m.head_dim;

  return {
    ingress: profile.overheads.ingress_ms * 1e-3,
    stepTime({ prefill, decodeContexts }) {
      let n = decodeContexts.length;
      let sampled = decodeContexts.length;
      let attnPrefill = 0;
      for (const c of prefill) {
        n += c.tokens;
        if (c.last) sampled++;
        attnPrefill += attnPerToken * c.tokens * (c.context + c.tokens / 2);
      }
      if (n === 0) return 0;
      let kvTokens = 0;
      for (const ctx of decodeContexts) kvTokens += ctx;
      const tLin = layerFloor + blend(weightTime(pLayers), gemmTime(pLayers, n));
      const tHead = sampled > 0 ? blend(weightTime(pHead), gemmTime(pHead, sampled)) : 0;
      const tAttnP = attnPrefill / (tp * flops * e.attention);
      const tAttnD = (kvTokens * kv) / (tp * bw * e.kv);
      const tTp = tp > 1 ? 2 * m.layers * (allReduceLatency + (n * m.hidden * 2 * 2 * (tp - 1)) / tp / linkBw) : 0;
      return stepFloor + tLin + tHead + tAttnP + tAttnD + tTp;
    },
  };
}
