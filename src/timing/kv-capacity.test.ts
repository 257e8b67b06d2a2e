import { describe, it, expect } from 'vitest';
import { loadProfile, kvCapacityBlocks, kvBytesPerTokenPerGpu, gpuMemoryBytes } from './profile.ts';

const GIB = 2 ** 30;

describe("KV capacity as vLLM's determine_available_memory sizes it", () => {
  it('Llama-3-8B on one H100 at 0.9: the KV budget vLLM logs (vllm-project/vllm#10511: 53.29 GiB)', () => {
    // vLLM's log: total_gpu_memory 79.22 GiB x 0.90 = 71.29 GiB; weights 14.96 GiB; non-torch 1.79 + activation peak
    // 1.26 GiB; available_kv_cache_memory 53.29 GiB. llmsim: 79.19 GiB total, the same weights, a 3 GiB reserve.
    const p = loadProfile('llama-3.1-8b-instruct-h100');
    const blocks = kvCapacityBlocks(p, 16, 0.9);
    const kvGib = (blocks * 16 * kvBytesPerTokenPerGpu(p)) / GIB;
    expect(kvGib).toBeGreaterThan(53.29 * 0.995);
    expect(kvGib).toBeLessThan(53.29 * 1.005);
  });

  it('reads memory as GiB: the measured total where the GPU entry has one, else the vendor figure', () => {
    expect(gpuMemoryBytes({ memory_gb: 80, memory_gib: 79.19 })).toBe(79.19 * GIB);
    expect(gpuMemoryBytes({ memory_gb: 141 })).toBe(141 * GIB);
  });
});
