/**
 * @module The step-time model: how long one engine step takes for a given batch. The "roofline blend" of the reference
 * (timing-and-performance.md §1.6): linear layers and lm_head cost a smooth max of weight-read time and GEMM time
 * (MoE: only the experts the step's tokens touch are read, only the active ones computed), plus causal prefill
 * attention, decode KV reads, tensor-parallel all-reduces, and the release's CPU terms: per step, per scheduled
 * sequence, per layer. Optional seeded jitter multiplies each step.
 */
import type { Profile } from './profile.ts';
import { kvBytesPerTokenPerGpu, weightBytes } from './profile.ts';
import { activeLayerParams, expertsTouched } from './models.ts';
import { createJitter } from './jitter.ts';

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
  /** The engine plans each step while the previous one runs (vLLM `--async-scheduling`): admissions lag one step. */
  readonly asyncScheduling: boolean;
}

/**
 * GEMM efficiency of a model of width `hidden` relative to a 4096-wide one: h/(h + h½) normalised at 4096, capped at
 * 1 so wider models keep η_f. h½ = 0 turns it off.
 */
export function smallGemmFactor(hidden: number, halfHidden: number): number {
  if (halfHidden <= 0) return 1;
  return Math.min(1, (hidden / (hidden + halfHidden)) * ((4096 + halfHidden) / 4096));
}

export function createStepModel(profile: Profile): StepModel {
  if (profile.fixed_step_ms !== undefined) {
    const fixed = profile.fixed_step_ms * 1e-3;
    return { stepTime: () => fixed, ingress: 0, asyncScheduling: false };
  }
  if (profile.instant || !profile.model || !profile.gpu) return { stepTime: () => 0, ingress: 0, asyncScheduling: false };
  const m = profile.model;
  const g = profile.gpu;
  const e = profile.efficiency;
  const o = profile.overheads;
  const tp = profile.tensor_parallel;
  const bw = g.hbm_tb_s * 1e12;
  const wb = weightBytes(profile);
  // FP8/INT8 weights run W8A8 on FP8 tensor cores where the card has them; INT4 (W4A16) and A100 FP8 (Marlin) compute in BF16.
  const flops = (wb <= 1 && wb > 0.5 && g.fp8_tflops !== undefined ? g.fp8_tflops : g.dense_tflops) * 1e12;
  const expertParams = (m.moe?.expert_params_b ?? 0) * 1e9;
  const denseParams = m.layer_params_b * 1e9 - expertParams;
  const activeParams = activeLayerParams(m) * 1e9;
  const pHead = m.lm_head_params_b * 1e9;
  const kv = kvBytesPerTokenPerGpu(profile);
  const p = e.blend_p;
  const blend = (a: number, b: number): number => (a ** p + b ** p) ** (1 / p);
  const readTime = (params: number): number => (params * wb) / (tp * bw * e.weights);
  // Narrow models run narrow GEMMs: tiles and waves fill the tensor cores less (DESIGN.md §10.2, small-GEMM factor).
  const gemmEff = e.compute * smallGemmFactor(m.hidden, e.gemm_half_hidden);
  const gemmTime = (params: number, rows: number): number => (2 * params * rows) / (tp * flops * gemmEff);
  const layerFloor = m.layers * (o.per_layer_us + (m.moe ? o.per_moe_layer_us : 0)) * 1e-6;
  const stepFloor = o.per_step_ms * 1e-3;
  const perSeq = o.per_seq_us * 1e-6;
  const linkBw = (g.link_gb_s ?? 225) * 1e9;
  const allReduceLatency = (g.allreduce_latency_us ?? 15) * 1e-6;
  const attnPerToken = 4 * m.layers * m.heads * m.head_dim;
  const jitter = profile.jitter && profile.jitter.cv > 0 ? createJitter(profile.jitter.cv, profile.jitter.seed) : null;

  return {
    ingress: o.ingress_ms * 1e-3,
    asyncScheduling: o.async_scheduling,
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
      const weightsRead = denseParams + (expertParams > 0 ? expertParams * expertsTouched(m, n) : 0);
      const tLin = layerFloor + blend(readTime(weightsRead), gemmTime(activeParams, n));
      const tHead = sampled > 0 ? blend(readTime(pHead), gemmTime(pHead, sampled)) : 0;
      const tAttnP = attnPrefill / (tp * g.dense_tflops * 1e12 * e.attention);
      const tAttnD = (kvTokens * kv) / (bw * e.kv);
      const tTp = tp > 1 ? 2 * m.layers * (allReduceLatency + (n * m.hidden * 2 * 2 * (tp - 1)) / tp / linkBw) : 0;
      const t = stepFloor + perSeq * (prefill.length + decodeContexts.length) + tLin + tHead + tAttnP + tAttnD + tTp;
      return jitter ? t * jitter() : t;
    },
  };
}
