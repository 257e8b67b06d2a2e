/**
 * @module Latency profiles: model shape + GPU + parallelism + efficiencies + the vLLM release modelled, as YAML data
 * under scenarios/profiles/. Shapes and GPUs may be named from the libraries (models.ts, gpus.ts); the release's CPU
 * terms (releases.ts) fill any overhead the profile does not set.
 */
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { MODELS, WEIGHT_FORMATS } from './models.ts';
import { GPUS } from './gpus.ts';
import { RELEASES, DEFAULT_RELEASE } from './releases.ts';

/** Hidden width at which GEMMs reach half their large-matrix efficiency (DESIGN.md §10.2; fitted on W4–W6). */
export const GEMM_HALF_HIDDEN = 2000;

const positive = () => z.number().positive();
const nonneg = () => z.number().nonnegative();

const ModelSchema = z.strictObject({
  name: z.string(),
  layers: z.int().positive(),
  hidden: z.int().positive(),
  heads: z.int().positive(),
  kv_heads: z.int().positive(),
  head_dim: z.int().positive(),
  vocab: z.int().positive(),
  /** Parameters in the transformer layers (no embedding table, no lm_head), billions; MoE: all experts. */
  layer_params_b: positive(),
  /** lm_head parameters, billions. */
  lm_head_params_b: positive(),
  /** All parameters including embeddings, billions (weights in memory). */
  total_params_b: positive(),
  /** Bytes per activation / KV element. */
  dtype_bytes: positive(),
  /** Bytes per weight when quantized (FP8 1, INT4 0.5); default dtype_bytes. */
  weight_bytes: positive().optional(),
  moe: z.strictObject({ experts: z.int().positive(), active: z.int().positive(), expert_params_b: positive() }).optional(),
  mla: z.strictObject({ kv_lora_rank: z.int().positive(), qk_rope_head_dim: z.int().positive() }).optional(),
  source: z.string().optional(),
});

const GpuSchema = z.strictObject({
  name: z.string(),
  hbm_tb_s: positive(),
  dense_tflops: positive(),
  fp8_tflops: positive().optional(),
  memory_gb: positive(),
  memory_gib: positive().optional(),
  link_gb_s: positive().optional(),
  allreduce_latency_us: nonneg().optional(),
  source: z.string().optional(),
});

const OverheadsSchema = z.strictObject({
  ingress_ms: nonneg().optional(),
  per_step_ms: nonneg().optional(),
  per_seq_us: nonneg().optional(),
  per_layer_us: nonneg().optional(),
  per_moe_layer_us: nonneg().optional(),
  frontend_request_ms: nonneg().optional(),
  frontend_prompt_token_us: nonneg().optional(),
  frontend_chunk_us: nonneg().optional(),
  async_scheduling: z.boolean().optional(),
});

export const ProfileSchema = z
  .strictObject({
    name: z.string(),
    description: z.string().optional(),
    /** Where the shape, hardware and efficiency numbers come from. */
    sources: z.array(z.string()).optional(),
    /** Zero-time engine (CI fixtures): every step and the ingress take no time. */
    instant: z.boolean().optional(),
    /** Synthetic engine whose every step takes exactly this long, whatever the batch (benchmarks, fixed-ITL tests). */
    fixed_step_ms: z.number().positive().optional(),
    /** The vLLM release whose CPU-side overheads this profile models (releases.ts). */
    vllm: z
      .string()
      .refine((r) => r in RELEASES, { message: `unknown vLLM release; known: ${Object.keys(RELEASES).join(', ')}` })
      .default(DEFAULT_RELEASE),
    model: ModelSchema.optional(),
    gpu: GpuSchema.optional(),
    tensor_parallel: z.int().positive().default(1),
    efficiency: z
      .strictObject({
        weights: positive(),
        compute: positive(),
        kv: positive(),
        attention: positive(),
        blend_p: positive(),
        gemm_half_hidden: nonneg().default(GEMM_HALF_HIDDEN),
      })
      .default({ weights: 0.85, compute: 0.65, kv: 0.7, attention: 0.45, blend_p: 1.5, gemm_half_hidden: GEMM_HALF_HIDDEN }),
    /** Overrides of the release's CPU terms. */
    overheads: OverheadsSchema.default({}),
    /** Optional seeded per-step noise: each step's time is multiplied by (1 + cv·z), z standard normal. Off by default. */
    jitter: z.strictObject({ cv: nonneg(), seed: z.int().default(0) }).optional(),
    /** Bandwidth for P/D KV-cache transfers between instances (GB/s; 25 ≈ 200 Gb/s RDMA). */
    kv_transfer_gb_s: z.number().positive().default(25),
    /**
     * GiB held back from the KV cache per GPU besides the weights: vLLM's profiled activation peak plus non-torch
     * memory (DESIGN.md §10.2, KV capacity). Unset: the release's value (`kv_reserve_gib`, releases.ts). The name
     * keeps "gb"; vLLM measures and logs it in GiB.
     */
    activation_reserve_gb: z.number().nonnegative().optional(),
  })
  .transform((p) => ({ ...p, overheads: { ...(RELEASES[p.vllm] ?? RELEASES[DEFAULT_RELEASE])!.overheads, ...p.overheads } }));

export type Profile = z.infer<typeof ProfileSchema>;
export type ProfileInput = z.input<typeof ProfileSchema>;

const PROFILE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios', 'profiles');
const cache = new Map<string, Profile>();

/**
 * Replaces library references before validation: `model: qwen3-8b`, `gpu: h100-sxm`, and `weights: fp8` (bytes per
 * weight on top of the named shape).
 */
function resolveRefs(data: unknown, origin: string): unknown {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  if (typeof out.model === 'string') {
    const shape = MODELS[out.model];
    if (!shape) throw new Error(`${origin}: model: unknown shape '${out.model}'; known: ${Object.keys(MODELS).join(', ')}`);
    out.model = { ...shape };
  }
  if (typeof out.gpu === 'string') {
    const gpu = GPUS[out.gpu];
    if (!gpu) throw new Error(`${origin}: gpu: unknown GPU '${out.gpu}'; known: ${Object.keys(GPUS).join(', ')}`);
    out.gpu = { ...gpu };
  }
  if ('weights' in out) {
    const bytes = typeof out.weights === 'string' ? WEIGHT_FORMATS[out.weights] : undefined;
    if (bytes === undefined) throw new Error(`${origin}: weights: unknown format '${String(out.weights)}'; known: ${Object.keys(WEIGHT_FORMATS).join(', ')}`);
    if (out.model && typeof out.model === 'object') out.model = { ...(out.model as object), weight_bytes: bytes };
    delete out.weights;
  }
  return out;
}

/** Validates profile data (already parsed from YAML or built in code). Errors are one line per problem. */
export function parseProfile(data: unknown, origin = 'profile'): Profile {
  const parsed = ProfileSchema.safeParse(resolveRefs(data, origin));
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${origin}: ${i.path.join('.') || '(top level)'}: ${i.message}`).join('\n'));
  const profile = parsed.data;
  if (!profile.instant && profile.fixed_step_ms === undefined && (!profile.model || !profile.gpu))
    throw new Error(`${origin}: a non-instant profile needs model and gpu sections`);
  return profile;
}

/** Loads `name` from scenarios/profiles/<name>.yaml, or a YAML file path. */
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
  const profile = parseProfile(data, file);
  cache.set(nameOrPath, profile);
  return profile;
}

export function listProfiles(): string[] {
  return existsSync(PROFILE_DIR)
    ? readdirSync(PROFILE_DIR)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => f.replace(/\.yaml$/, ''))
        .sort()
    : [];
}

/** The same profile modelling another vLLM release (its CPU terms replace the profile's). */
export function withRelease(p: Profile, release: string): Profile {
  const r = RELEASES[release];
  if (!r) throw new Error(`unknown vLLM release '${release}'; known: ${Object.keys(RELEASES).join(', ')}`);
  return { ...p, vllm: release, overheads: { ...r.overheads } };
}

/** The profile's front-end queue costs in seconds (all 0: no queue). */
export function frontEndCosts(p: Profile): { perRequest: number; perPromptToken: number; perChunk: number } {
  const o = p.overheads;
  return { perRequest: o.frontend_request_ms * 1e-3, perPromptToken: o.frontend_prompt_token_us * 1e-6, perChunk: o.frontend_chunk_us * 1e-6 };
}

/** Bytes per stored weight. */
export function weightBytes(p: Profile): number {
  return p.model ? (p.model.weight_bytes ?? p.model.dtype_bytes) : 0;
}

/**
 * KV bytes per token across all GPUs: 2 (K and V) × layers × kv_heads × head_dim × dtype bytes; with MLA one latent
 * of kv_lora_rank + qk_rope_head_dim per layer.
 */
export function kvBytesPerToken(p: Profile): number {
  const m = p.model;
  if (!m) return 0;
  return m.mla ? m.layers * (m.mla.kv_lora_rank + m.mla.qk_rope_head_dim) * m.dtype_bytes : 2 * m.layers * m.kv_heads * m.head_dim * m.dtype_bytes;
}

/** KV bytes per token each GPU holds: heads are split across tensor-parallel ranks, an MLA latent is replicated. */
export function kvBytesPerTokenPerGpu(p: Profile): number {
  return p.model?.mla ? kvBytesPerToken(p) : kvBytesPerToken(p) / p.tensor_parallel;
}

const GIB = 2 ** 30;

/** Bytes of one 4-bit group's fp16 scale and packed 4-bit zero point, spread over its 128 weights (AWQ/GPTQ). */
const INT4_GROUP_OVERHEAD = (2 + 0.5) / 128;

/**
 * Weight bytes each GPU holds, as vLLM's "Model loading took" reports them. A quantized checkpoint (AWQ, GPTQ, FP8)
 * quantizes the transformer layers only: the embedding table and lm_head keep the activation dtype, and 4-bit
 * formats carry a scale and zero point per 128-weight group. Everything is split across the TP ranks (vocab-parallel
 * embedding and lm_head; norms are < 0.1 %).
 */
export function weightMemoryBytesPerGpu(p: Profile): number {
  const m = p.model;
  if (!m) return 0;
  const wb = weightBytes(p);
  const layers = m.layer_params_b * 1e9;
  const rest = (m.total_params_b - m.layer_params_b) * 1e9;
  const bytes = wb === m.dtype_bytes ? (layers + rest) * wb : layers * (wb + (wb < 1 ? INT4_GROUP_OVERHEAD : 0)) + rest * m.dtype_bytes;
  return bytes / p.tensor_parallel;
}

/** GiB per GPU held back from the KV cache besides the weights: the profile's own value, else its release's. */
export function activationReserveGib(p: Profile): number {
  return p.activation_reserve_gb ?? (RELEASES[p.vllm] ?? RELEASES[DEFAULT_RELEASE])!.kv_reserve_gib;
}

/**
 * Total device memory in bytes as vLLM sees it (torch.cuda.mem_get_info's total, which it multiplies by
 * gpu_memory_utilization): the measured total where the GPU entry has one, else the vendor's "GB" read as GiB (HBM
 * and GDDR parts are sized in GiB; CUDA reports 0.3-0.9 GiB less than that, e.g. 79.15 GiB for an "80GB" A100).
 */
export function gpuMemoryBytes(gpu: { readonly memory_gb: number; readonly memory_gib?: number | undefined }): number {
  return (gpu.memory_gib ?? gpu.memory_gb) * GIB;
}

/** vLLM's GPU-dependent batch defaults: 8192 tokens / 1024 seqs on ≥ 70 GiB non-A100 GPUs, else 2048 / 256. */
export function defaultBatchLimits(p: Profile): { maxNumBatchedTokens: number; maxNumSeqs: number } {
  if (p.instant || !p.gpu) return { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 };
  const gib = gpuMemoryBytes(p.gpu) / GIB;
  return gib >= 70 && !/a100/i.test(p.gpu.name) ? { maxNumBatchedTokens: 8192, maxNumSeqs: 1024 } : { maxNumBatchedTokens: 2048, maxNumSeqs: 256 };
}

/**
 * KV cache memory per GPU in bytes, as vLLM's `determine_available_memory` sizes it: total memory × utilization −
 * weights per GPU − activation peak and non-torch memory (negative when the weights do not fit).
 */
export function kvMemoryBytesPerGpu(p: Profile, gpuMemoryUtilization: number): number {
  if (!p.gpu || !p.model) return 0;
  return gpuMemoryBytes(p.gpu) * gpuMemoryUtilization - weightMemoryBytesPerGpu(p) - activationReserveGib(p) * GIB;
}

/** KV cache capacity in blocks: the KV memory per GPU / (block size × KV bytes per token per GPU), rounded down. */
export function kvCapacityBlocks(p: Profile, blockSize: number, gpuMemoryUtilization: number): number {
  // Synthetic profiles: 4M tokens of KV, far beyond any test or benchmark working set.
  if (p.instant || p.fixed_step_ms !== undefined || !p.gpu || !p.model) return 262_144;
  return Math.max(0, Math.floor(kvMemoryBytesPerGpu(p, gpuMemoryUtilization) / (blockSize * kvBytesPerTokenPerGpu(p))));
}
