/** @module Latency profiles: model shape + GPU + parallelism + efficiencies, as YAML data under scenarios/profiles/. */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const positive = () => z.number().positive();

export const ProfileSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  /** Zero-time engine (CI fixtures): every step and the ingress take no time. */
  instant: z.boolean().optional(),
  /** Synthetic engine whose every step takes exactly this long, whatever the batch (benchmarks, fixed-ITL tests). */
  fixed_step_ms: z.number().positive().optional(),
  model: z
    .strictObject({
      name: z.string(),
      layers: z.int().positive(),
      hidden: z.int().positive(),
      heads: z.int().positive(),
      kv_heads: z.int().positive(),
      head_dim: z.int().positive(),
      vocab: z.int().positive(),
      /** Parameters in the transformer layers (no embedding table, no lm_head), billions. */
      layer_params_b: positive(),
      /** lm_head parameters, billions. */
      lm_head_params_b: positive(),
      /** All parameters including embeddings, billions (weights in memory). */
      total_params_b: positive(),
      dtype_bytes: positive(),
    })
    .optional(),
  gpu: z
    .strictObject({
      name: z.string(),
      hbm_tb_s: positive(),
      dense_tflops: positive(),
      memory_gb: positive(),
      link_gb_s: positive().optional(),
      allreduce_latency_us: z.number().nonnegative().optional(),
    })
    .optional(),
  tensor_parallel: z.int().positive().default(1),
  efficiency: z
    .strictObject({ weights: positive(), compute: positive(), kv: positive(), attention: positive(), blend_p: positive() })
    .default({ weights: 0.8, compute: 0.65, kv: 0.7, attention: 0.45, blend_p: 1.5 }),
  overheads: z
    .strictObject({ per_layer_us: z.number().nonnegative(), per_step_ms: z.number().nonnegative(), ingress_ms: z.number().nonnegative() })
    .default({ per_layer_us: 40, per_step_ms: 0.5, ingress_ms: 25 }),
  /** Bandwidth for P/D KV-cache transfers between instances (GB/s; 25 ≈ 200 Gb/s RDMA). */
  kv_transfer_gb_s: z.number().positive().default(25),
  /** GB held back from the KV cache per GPU for activations and non-torch memory. */
  activation_reserve_gb: z.number().nonnegative().default(3),
});

export type Profile = z.infer<typeof ProfileSchema>;

const PROFILE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios', 'profiles');
const cache = new Map<string, Profile>();

/** Loads `name` from scenarios/profiles/<name>.yaml, or a YAML file path. Errors are one line per problem. */
export function loadProfile(nameOrPath: string): Profile {
  const hit = cache.get(nameOrPath);
  if (hit) return hit;
  const file = existsSync(nameOrPath) ? nameOrPath : join(PROFILE_DIR, `${nameOrPath}.yaml`);
  if (!existsSync(file)) throw new Error(`unknown latency profile '${nameOrPath}' (no ${file}); shipped: ${listProfiles().join(', ')}`);
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = ProfileSchema.safeParse(data);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`).join('\n'));
  const profile = parsed.data;
  if (!profile.instant && profile.fixed_step_ms === undefined && (!profile.model || !profile.gpu)) throw new Error(`${file}: a non-instant profile needs model and gpu sections`);
  cache.set(nameOrPath, profile);
  return profile;
}

export function listProfiles(): string[] {
  return existsSync(PROFILE_DIR) ? readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort() : [];
}

/** KV bytes per token across all GPUs: 2 (K and V) × layers × kv_heads × head_dim × dtype bytes. */
export function kvBytesPerToken(p: Profile): number {
  const m = p.model;
  return m ? 2 * m.layers * m.kv_heads * m.head_dim * m.dtype_bytes : 0;
}

/** vLLM's GPU-dependent batch defaults: 8192 tokens / 1024 seqs on ≥ 70 GiB non-A100 GPUs, else 2048 / 256. */
export function defaultBatchLimits(p: Profile): { maxNumBatchedTokens: number; maxNumSeqs: number } {
  if (p.instant || !p.gpu) return { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 };
  const gib = (p.gpu.memory_gb * 1e9) / 2 ** 30;
  return gib >= 70 && !/a100/i.test(p.gpu.name) ? { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 } : { maxNumBatchedTokens: 2048, maxNumSeqs: 256 };
}

/** KV cache capacity in blocks: (GPU memory × utilization × TP − weights − reserve) / (block size × KV bytes per token). */
export function kvCapacityBlocks(p: Profile, blockSize: number, gpuMemoryUtilization: number): number {
  // Synthetic profiles: 4M tokens of KV, far beyond any test or benchmark working set.
  if (p.instant || p.fixed_step_ms !== undefined || !p.gpu || !p.model) return 262_144;
  const tp = p.tensor_parallel;
  const usable = p.gpu.memory_gb * 1e9 * gpuMemoryUtilization * tp - p.model.total_params_b * 1e9 * p.model.dtype_bytes - p.activation_reserve_gb * 1e9 * tp;
  return Math.max(0, Math.floor(usable / (blockSize * kvBytesPerToken(p))));
}
