/**
 * @module Public vLLM startup logs of KV cache capacity ("Available KV cache memory: X GiB", "GPU KV cache size: N
 * tokens", "# GPU blocks"), each with its setup, and the llmsim profile that setup maps to. Used by the KV capacity
 * test (bounds) and `bench/kv-capacity.ts` (the table in docs/CALIBRATION.md). Only numbers read in the sources.
 */
import { parseProfile, type Profile, type ProfileInput } from '../../src/timing/profile.ts';
import { GPUS } from '../../src/timing/gpus.ts';

export interface KvLog {
  readonly id: string;
  /** Where the log lines are (issue/PR comment, or the public file the index holds). */
  readonly source: string;
  readonly vllm: string;
  /** The llmsim release whose memory profiler the run used: V0 (`v0.6`) or V1 (`v1`). */
  readonly release: 'v0.6' | 'v1';
  readonly setup: string;
  readonly model: string;
  readonly weights?: 'awq' | 'fp8';
  /** A `gpus.ts` key, or the device total vLLM logged (GiB) for cards the library does not hold. */
  readonly gpu: string | { readonly name: string; readonly memory_gib: number };
  readonly tp: number;
  readonly utilization: number;
  /** What the log says, per GPU: KV memory (GiB, negative = the weights did not fit), and the weights it loaded. */
  readonly kvGib: number;
  readonly weightsGib?: number;
  /** Tokens the log prints ("GPU KV cache size"), where it prints them. */
  readonly tokens?: number;
  /** Setup details inferred rather than read (shown in the table). */
  readonly caveat?: string;
}

const ISSUE = 'github.com/vllm-project/vllm/';
const L40S_POST =
  'jinwoong, "LLM 최적화 실전 프로젝트" (slug deep-learning/llm-optimization-capstone, 2026-09-06; public GitHub Pages file, index id 60168338778)';
const TP_POST = 'saiyam-pathak, "Running a single LLM across two GPUs with vLLM" (2026-08-18; public GitHub file, index id 57905766703)';

export const KV_LOGS: readonly KvLog[] = [
  {
    id: 'K1',
    source: `${ISSUE}pull/10511 (youkaichao, 2024-12-14: "vllm serve meta-llama/Meta-Llama-3-8B")`,
    vllm: '0.6.5.dev (V0)',
    release: 'v0.6',
    setup: 'Llama-3-8B bf16, 1×H100 SXM (79.22 GiB), 0.90, defaults',
    model: 'llama-3.1-8b',
    gpu: 'h100-sxm',
    tp: 1,
    utilization: 0.9,
    kvGib: 53.29,
    weightsGib: 14.96,
  },
  {
    id: 'K2',
    source: `${ISSUE}pull/10511 (same comment, "-tp 2")`,
    vllm: '0.6.5.dev (V0)',
    release: 'v0.6',
    setup: 'Llama-3-8B bf16, 2×H100 SXM TP2, 0.90',
    model: 'llama-3.1-8b',
    gpu: 'h100-sxm',
    tp: 2,
    utilization: 0.9,
    // The excerpt cuts the last line: 71.29 − 7.48 (weights) − 3.58 (non-torch) − 1.26 (activation) as logged.
    kvGib: 58.97,
    weightsGib: 7.48,
    caveat: 'KV = the logged terms summed (the last line is cut in the thread)',
  },
  {
    id: 'K3',
    source: `${ISSUE}issues/10517 (kaspersiminski, 2024-12-02)`,
    vllm: '0.6.4 (V0)',
    release: 'v0.6',
    setup: 'Llama-3.1-8B-Instruct bf16, 1×RTX 3090 (23.58 GiB), 0.90, --max-model-len 20000 (no chunked prefill: a 20k-token dummy batch)',
    model: 'llama-3.1-8b',
    gpu: { name: 'RTX-3090-24GB', memory_gib: 23.58 },
    tp: 1,
    utilization: 0.9,
    kvGib: 3.81,
    weightsGib: 14.99,
    tokens: 31_232,
  },
  {
    id: 'K4',
    source: L40S_POST,
    vllm: '0.28.0',
    release: 'v1',
    setup: 'Qwen3-14B bf16, 1×L40S (46,068 MiB), 0.90, defaults (max len 40,960; 2,048 tokens / 256 seqs)',
    model: 'qwen3-14b',
    gpu: 'l40s',
    tp: 1,
    utilization: 0.9,
    kvGib: 11.57,
    weightsGib: 27.52,
    tokens: 75_824,
  },
  {
    id: 'K5',
    source: L40S_POST,
    vllm: '0.28.0',
    release: 'v1',
    setup: 'Qwen3-14B-AWQ (INT4), 1×L40S, 0.90, defaults',
    model: 'qwen3-14b',
    weights: 'awq',
    gpu: 'l40s',
    tp: 1,
    utilization: 0.9,
    kvGib: 29.63,
    weightsGib: 9.44,
    tokens: 194_192,
  },
  {
    id: 'K6',
    source: L40S_POST,
    vllm: '0.28.0',
    release: 'v1',
    setup: 'Qwen3-14B-AWQ, 1×L40S, 0.95, --max-model-len 1024 --max-num-seqs 8 --max-num-batched-tokens 8192',
    model: 'qwen3-14b',
    weights: 'awq',
    gpu: 'l40s',
    tp: 1,
    utilization: 0.95,
    kvGib: 31.02,
    tokens: 203_264,
  },
  {
    id: 'K7',
    source: L40S_POST,
    vllm: '0.28.0',
    release: 'v1',
    setup: 'Qwen3-14B-AWQ, 1×L4 (g6.12xlarge), 0.90, defaults; one of two replicas (the other logged 9.10 GiB, started second)',
    model: 'qwen3-14b',
    weights: 'awq',
    gpu: 'l4',
    tp: 1,
    utilization: 0.9,
    kvGib: 10.33,
    tokens: 67_696,
  },
  {
    id: 'K8',
    source: L40S_POST,
    vllm: '0.28.0',
    release: 'v1',
    setup: 'Qwen3-14B-AWQ, 2×L4 TP2 (PCIe), 0.90, defaults',
    model: 'qwen3-14b',
    weights: 'awq',
    gpu: 'l4',
    tp: 2,
    utilization: 0.9,
    kvGib: 14.38,
    tokens: 188_512,
  },
  {
    id: 'K9',
    source: TP_POST,
    vllm: '0.27.1',
    release: 'v1',
    setup: 'Qwen3-32B bf16, 2×RTX PRO 6000 Blackwell (95.01 GiB) TP2, 0.426, --max-model-len 32768',
    model: 'qwen3-32b',
    gpu: { name: 'RTX-PRO-6000-96GB', memory_gib: 95.01 },
    tp: 2,
    utilization: 0.426,
    kvGib: 8.22,
    weightsGib: 30.59,
    tokens: 67_296,
  },
  {
    id: 'K10',
    source: TP_POST,
    vllm: '0.27.1',
    release: 'v1',
    setup: 'Qwen3-32B bf16, 1×RTX PRO 6000, 0.426, --max-model-len 32768 (does not fit: negative KV)',
    model: 'qwen3-32b',
    gpu: { name: 'RTX-PRO-6000-96GB', memory_gib: 95.01 },
    tp: 1,
    utilization: 0.426,
    kvGib: -24.42,
    weightsGib: 61.03,
  },
  {
    id: 'K11',
    source: 'public GitHub notes on Qwen3-8B on an RTX 5090 (index id 67163912157; vLLM log line kv_cache_utils.py:2146)',
    vllm: '≈0.24 (kv_cache_utils.py:2146)',
    release: 'v1',
    setup: 'Qwen3-8B bf16, 1×RTX 5090 (32,607 MiB), 0.92, --max-model-len 32768 (2,048 tokens / 256 seqs)',
    model: 'qwen3-8b',
    gpu: { name: 'RTX-5090-32GB', memory_gib: 31.84 },
    tp: 1,
    utilization: 0.92,
    kvGib: (89_040 * 147_456) / 2 ** 30,
    weightsGib: 15.27,
    tokens: 89_040,
    caveat: 'KV GiB from the printed tokens × 144 KiB',
  },
  {
    id: 'K12',
    source: 'public GitHub experiment record "Nimbus v3" (index id 67117542301), dense Qwen3-32B server',
    vllm: '0.19.0',
    release: 'v1',
    setup: 'Qwen3-32B bf16, 1 GPU (Blackwell sm_120), 0.95, --max-num-seqs 128',
    model: 'qwen3-32b',
    gpu: { name: 'RTX-PRO-6000-96GB', memory_gib: 95.01 },
    tp: 1,
    utilization: 0.95,
    kvGib: (112_064 * 262_144) / 2 ** 30,
    tokens: 112_064,
    caveat: 'GPU inferred: the only sm_120 card that holds 61 GiB of weights + 27 GiB of KV is the 96 GB RTX PRO 6000',
  },
  {
    id: 'K13',
    source: `${ISSUE}issues/17469 (cpwan, 2025-04-30; also in #17327)`,
    vllm: '0.8.5 (V1)',
    release: 'v1',
    setup: 'Qwen3-30B-A3B bf16, 4×A10 24 GB TP4, --max-model-len 8192',
    model: 'qwen3-30b-a3b',
    gpu: { name: 'A10-24GB', memory_gib: 22.49 },
    tp: 4,
    utilization: 0.9,
    kvGib: (198_784 * 24_576) / 2 ** 30,
    weightsGib: 14.2474,
    tokens: 198_784,
    caveat: 'utilization (default 0.9) and the A10 total (23,028 MiB) assumed; KV GiB from the printed tokens',
  },
];

/** The llmsim profile a log's setup maps to: the library shape and GPU, the log's TP, its memory profiler's release. */
export function kvLogProfile(k: KvLog): Profile {
  const gpu =
    typeof k.gpu === 'string'
      ? GPUS[k.gpu]
      : { name: k.gpu.name, hbm_tb_s: 1, dense_tflops: 1, memory_gb: Math.round(k.gpu.memory_gib), memory_gib: k.gpu.memory_gib };
  const data: ProfileInput & { weights?: string } = { name: `kv-${k.id}`, vllm: k.release, model: k.model as never, gpu: gpu as never, tensor_parallel: k.tp };
  if (k.weights) data.weights = k.weights;
  return parseProfile(data, k.id);
}
