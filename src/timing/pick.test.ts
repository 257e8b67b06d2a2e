import { describe, it, expect } from 'vitest';
import { pickProfile } from './pick.ts';

describe('pickProfile: a shipped profile for model / GPU / TP', () => {
  it('matches the model, then the GPU and tensor-parallel size', () => {
    expect(pickProfile({ model: 'meta-llama/Llama-3.1-8B-Instruct' })).toMatch(/^llama-3\.1-8b-instruct-/);
    expect(pickProfile({ model: 'meta-llama/Llama-3.1-8B-Instruct', gpu: 'a100' })).toBe('llama-3.1-8b-instruct-a100');
    expect(pickProfile({ model: 'meta-llama/Llama-3.1-8B-Instruct', gpu: 'NVIDIA-A100-40GB' })).toBe('llama-3.1-8b-instruct-a100-40gb');
    expect(pickProfile({ model: 'meta-llama/Llama-3.1-8B-Instruct', gpu: 'l40s' })).toBe('llama-3.1-8b-instruct-l40s');
    expect(pickProfile({ model: 'meta-llama/Llama-3.1-70B-Instruct', gpu: 'h100', tensorParallel: 4 })).toBe('llama-3.1-70b-instruct-4xh100');
    expect(pickProfile({ model: 'Qwen/Qwen3-30B-A3B', gpu: 'a100' })).toBe('qwen3-30b-a3b-a100');
  });
  it('prefers the FP8 variant for an FP8 checkpoint and returns null for an unknown model', () => {
    expect(pickProfile({ model: 'Qwen/Qwen3-32B-FP8', gpu: 'h100' })).toBe('qwen3-32b-fp8-h100');
    expect(pickProfile({ model: 'Qwen/Qwen3-32B', gpu: 'h100' })).toBe('qwen3-32b-h100');
    expect(pickProfile({ model: 'Qwen/Qwen3-32B', gpu: 'NVIDIA-H100-NVL' })).toBe('qwen3-32b-h100-nvl');
    expect(pickProfile({ model: 'acme/unknown-model' })).toBeNull();
  });
});
