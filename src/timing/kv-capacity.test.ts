import { describe, it, expect } from 'vitest';
import {
  loadProfile,
  withRelease,
  kvCapacityBlocks,
  kvBytesPerTokenPerGpu,
  gpuMemoryBytes,
  weightMemoryBytesPerGpu,
  activationReserveGib,
  parseProfile,
} from './profile.ts';

const GIB = 2 ** 30;

describe("KV capacity as vLLM's determine_available_memory sizes it", () => {
  it('Llama-3-8B on one H100 at 0.9 under V0: the KV budget vLLM logs (vllm-project/vllm#10511: 53.29 GiB)', () => {
    // vLLM's log: total_gpu_memory 79.22 GiB x 0.90 = 71.29 GiB; weights 14.96 GiB; non-torch 1.79 + activation peak
    // 1.26 GiB; available_kv_cache_memory 53.29 GiB. llmsim: 79.19 GiB total, the same weights, V0's 3 GiB reserve.
    const p = withRelease(loadProfile('llama-3.1-8b-instruct-h100'), 'v0.6');
    const blocks = kvCapacityBlocks(p, 16, 0.9);
    const kvGib = (blocks * 16 * kvBytesPerTokenPerGpu(p)) / GIB;
    expect(kvGib).toBeGreaterThan(53.29 * 0.995);
    expect(kvGib).toBeLessThan(53.29 * 1.005);
  });

  it('reads memory as GiB: the measured total where the GPU entry has one, else the vendor figure', () => {
    expect(gpuMemoryBytes({ memory_gb: 80, memory_gib: 79.19 })).toBe(79.19 * GIB);
    expect(gpuMemoryBytes({ memory_gb: 141 })).toBe(141 * GIB);
  });

  it('takes the reserve from the release unless the profile sets one: V0 3 GiB, V1 1.5 GiB', () => {
    const p = loadProfile('qwen3-14b-h100');
    expect(p.activation_reserve_gb).toBeUndefined();
    expect(activationReserveGib(p)).toBe(1.5);
    expect(activationReserveGib(withRelease(p, 'v0.6'))).toBe(3);
    expect(activationReserveGib(loadProfile('qwen3-32b-h100'))).toBe(2);
  });

  it('quantizes the transformer layers only: embeddings and lm_head stay bf16, INT4 carries group scales', () => {
    const shape = { name: 'q', hbm_tb_s: 1, dense_tflops: 1, memory_gb: 48 };
    const bf16 = parseProfile({ name: 'a', model: 'qwen3-14b', gpu: shape });
    const awq = parseProfile({ name: 'b', model: 'qwen3-14b', weights: 'awq', gpu: shape });
    const awqTp2 = parseProfile({ name: 'c', model: 'qwen3-14b', weights: 'awq', gpu: shape, tensor_parallel: 2 });
    // vLLM logs 27.52 GiB for Qwen3-14B and 9.44 GiB for Qwen3-14B-AWQ ("Model loading took", docs/CALIBRATION.md K4/K5).
    expect(weightMemoryBytesPerGpu(bf16) / GIB).toBeCloseTo(27.51, 1);
    expect(weightMemoryBytesPerGpu(awq) / GIB).toBeGreaterThan(9.44 * 0.97);
    expect(weightMemoryBytesPerGpu(awq) / GIB).toBeLessThan(9.44 * 1.01);
    expect(weightMemoryBytesPerGpu(awqTp2)).toBeCloseTo(weightMemoryBytesPerGpu(awq) / 2, 0);
  });
});
