/**
 * @module Picks a shipped latency profile for a model / GPU / tensor-parallel size (e.g. from `--tensor-parallel-size`
 * or a Kubernetes GPU label). The model must match; then the GPU, then the TP size, decide.
 */
import { listProfiles, loadProfile } from './profile.ts';
import { GPUS } from './gpus.ts';

export interface ProfileQuery {
  /** Hugging Face id or served name, e.g. `meta-llama/Llama-3.1-8B-Instruct` or `Qwen/Qwen3-32B-FP8`. */
  readonly model: string;
  /** A GPU name or library key: `h100`, `H100-SXM-80GB`, `a100-40gb`, `NVIDIA-L40S`, `mi300x`. */
  readonly gpu?: string;
  readonly tensorParallel?: number;
}

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9.]/g, '');
/** `Qwen/Qwen3-32B-FP8` and `qwen3-32b` name the same shape; the FP8 suffix selects the weight format. */
const baseModel = (id: string): { base: string; fp8: boolean } => {
  const tail = id.split('/').pop() ?? id;
  const fp8 = /fp8/i.test(tail);
  return { base: norm(tail.replace(/[-_]?(fp8(-dynamic)?|instruct)/gi, '')), fp8 };
};

function gpuMatches(query: string, profileGpu: string): boolean {
  const q = norm(query.replace(/^nvidia[-_ ]?|^amd[-_ ]?/i, ''));
  const key = Object.entries(GPUS).find(([, g]) => g.name === profileGpu)?.[0] ?? '';
  const names = [norm(profileGpu), norm(key)];
  // A bare "h100"/"a100" means the common SXM 80 GB part; "a100-40gb", "h100-pcie", "h100-nvl" are distinct entries.
  return names.some((n) => n === q || (n.startsWith(q) && !/40gb|pcie|nvl/.test(n.slice(q.length)) && q.length >= 2));
}

export function pickProfile(q: ProfileQuery): string | null {
  const want = baseModel(q.model);
  let best: { name: string; score: number } | null = null;
  for (const name of listProfiles()) {
    let p;
    try {
      p = loadProfile(name);
    } catch {
      continue;
    }
    if (!p.model || !p.gpu) continue;
    const have = baseModel(p.model.name);
    if (have.base !== want.base) continue;
    let score = 0;
    if ((p.model.weight_bytes === 1) === want.fp8) score += 4;
    if (q.gpu !== undefined && gpuMatches(q.gpu, p.gpu.name)) score += 8;
    if (q.tensorParallel !== undefined && p.tensor_parallel === q.tensorParallel) score += 2;
    if (q.tensorParallel === undefined && p.tensor_parallel === 1) score += 1;
    if (!best || score > best.score) best = { name, score };
  }
  return best?.name ?? null;
}
