import { describe, it, expect } from 'vitest';
import { MODELS, activeLayerParams } from './models.ts';
import { listProfiles, loadProfile, parseProfile, kvBytesPerToken, kvBytesPerTokenPerGpu, kvCapacityBlocks, withRelease } from './profile.ts';
import { createStepModel } from './step-model.ts';
import { RELEASES } from './releases.ts';

const near = (a: number, b: number, rel: number): boolean => Math.abs(a / b - 1) <= rel;

describe('model-shape library (parameter counts derived from config.json values)', () => {
  it('matches the published sizes of the models', () => {
    const published: Record<string, [total: number, active?: number]> = {
      'llama-3.1-8b': [8.03],
      'llama-3.1-70b': [70.6],
      'mistral-7b-v0.3': [7.25],
      'qwen2.5-7b': [7.62],
      'qwen2.5-72b': [72.7],
      'qwen3-4b': [4.02],
      'qwen3-8b': [8.19],
      'qwen3-14b': [14.8],
      'qwen3-32b': [32.8],
      'qwen3-30b-a3b': [30.5, 3.3],
      'deepseek-v3': [671, 37],
    };
    for (const [key, [total, active]] of Object.entries(published)) {
      const m = MODELS[key]!;
      expect(near(m.total_params_b, total, 0.015), `${key} total ${m.total_params_b}`).toBe(true);
      if (active) expect(near(activeLayerParams(m) + m.lm_head_params_b * 2, active, 0.06), `${key} active`).toBe(true);
    }
  });

  it('sizes the KV cache: GQA heads split across TP, an MLA latent replicated', () => {
    expect(kvBytesPerToken(loadProfile('llama-3.1-8b-instruct-h100'))).toBe(131_072);
    const ds = loadProfile('deepseek-v3-8xh200');
    expect(kvBytesPerToken(ds)).toBe(61 * 576 * 2);
    expect(kvBytesPerTokenPerGpu(ds)).toBe(kvBytesPerToken(ds));
    const l70 = loadProfile('llama-3.1-70b-instruct-4xh100');
    expect(kvBytesPerTokenPerGpu(l70)).toBe(kvBytesPerToken(l70) / 4);
  });

  it('every shipped profile loads, and every GPU profile leaves room for KV cache', () => {
    const names = listProfiles();
    expect(names.length).toBeGreaterThanOrEqual(20);
    for (const name of names) {
      const p = loadProfile(name);
      if (p.model) expect(kvCapacityBlocks(p, 16, 0.9), name).toBeGreaterThan(1000);
    }
  });
});

describe('step model terms', () => {
  const decode = (name: string, batch: number, ctx = 512): number =>
    createStepModel(loadProfile(name)).stepTime({ prefill: [], decodeContexts: new Array<number>(batch).fill(ctx) });

  it('FP8 weights decode faster than bf16; MoE at batch 1 reads only the active experts', () => {
    expect(decode('llama-3.1-8b-instruct-fp8-h100', 1)).toBeLessThan(0.75 * decode('llama-3.1-8b-instruct-h100', 1));
    // Qwen3-30B-A3B holds 30 B parameters but a lone token touches ~3 B: far faster than a dense 32B at batch 1...
    expect(decode('qwen3-30b-a3b-h100', 1)).toBeLessThan(0.5 * decode('qwen3-32b-h100', 1));
    // ...while a big batch touches nearly every expert.
    expect(decode('qwen3-30b-a3b-h100', 256) / decode('qwen3-30b-a3b-h100', 1)).toBeGreaterThan(2.5);
  });

  it('charges the per-sequence CPU term of the release', () => {
    const p = loadProfile('llama-3.1-8b-instruct-h100');
    const withSeq = createStepModel(p).stepTime({ prefill: [], decodeContexts: new Array<number>(128).fill(256) });
    const without = createStepModel({ ...p, overheads: { ...p.overheads, per_seq_us: 0 } }).stepTime({
      prefill: [],
      decodeContexts: new Array<number>(128).fill(256),
    });
    expect(withSeq - without).toBeCloseTo(128 * p.overheads.per_seq_us * 1e-6, 9);
  });

  it('keeps the 0.6-era release as a named variant with its own front-end delay', () => {
    const p = loadProfile('llama-3.1-8b-instruct-h100');
    // A profile naming no release models current vLLM (v0.14: async scheduling; was v1 until issue 16 switched it).
    expect(p.vllm).toBe('v0.14');
    expect(createStepModel(p).ingress).toBeCloseTo(RELEASES['v0.14']!.overheads.ingress_ms / 1000, 9);
    expect(loadProfile('qwen3-8b-h100').overheads.async_scheduling).toBe(true);
    expect(loadProfile('qwen3-32b-h100').overheads.async_scheduling).toBe(false);
    expect(createStepModel(withRelease(p, 'v0.6')).ingress).toBeCloseTo(0.025, 9);
    expect(() => parseProfile({ name: 'x', vllm: 'v0.1', instant: true })).toThrow(/unknown vLLM release/);
    expect(() => parseProfile({ name: 'x', model: 'no-such-model', gpu: 'h100-sxm' })).toThrow(/unknown shape 'no-such-model'/);
  });
});

describe('seeded jitter', () => {
  const steps = (jitter?: { cv: number; seed: number }): number[] => {
    const p = parseProfile({ name: 'j', model: 'llama-3.1-8b', gpu: 'h100-sxm', ...(jitter ? { jitter } : {}) });
    const m = createStepModel(p);
    return Array.from({ length: 200 }, () => m.stepTime({ prefill: [], decodeContexts: [100, 200] }));
  };
  it('is off by default, and the same seed gives the same jitter', () => {
    const plain = steps();
    expect(new Set(plain).size).toBe(1);
    const a = steps({ cv: 0.1, seed: 7 });
    expect(steps({ cv: 0.1, seed: 7 })).toEqual(a);
    expect(steps({ cv: 0.1, seed: 8 })).not.toEqual(a);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    const sd = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
    expect(Math.abs(mean / plain[0]! - 1)).toBeLessThan(0.03);
    expect(sd / mean).toBeGreaterThan(0.07);
    expect(sd / mean).toBeLessThan(0.13);
  });
});
