/**
 * @module The vLLM release a profile models: the CPU-side terms that change from release to release while the GPU
 * work stays the same (front-end delay before the scheduler, fixed cost per engine step, cost per scheduled sequence,
 * launch floor per layer). DESIGN.md §10.2 derives each value.
 */

export interface ReleaseOverheads {
  /** HTTP, detokenizer/tokenizer hand-off and the queue to the engine core, before the first schedule (α_in), ms. */
  readonly ingress_ms: number;
  /** Scheduler, sampler and input preparation per step, with CUDA graphs (t_step), ms. */
  readonly per_step_ms: number;
  /** Scheduler and output processing per scheduled sequence (grows with concurrency), µs. */
  readonly per_seq_us: number;
  /** Kernel-launch floor per transformer layer, µs. */
  readonly per_layer_us: number;
  /** Extra floor per MoE layer (routing, expert gather, small grouped GEMMs), µs. */
  readonly per_moe_layer_us: number;
  /** API-server loop time per request (HTTP, validation, templating) in the front-end queue, ms (src/engine/frontend.ts). */
  readonly frontend_request_ms: number;
  /** API-server loop time per prompt token (tokenization), µs. */
  readonly frontend_prompt_token_us: number;
  /** API-server loop time per streamed chunk (detokenize, serialize, write), µs. */
  readonly frontend_chunk_us: number;
  /**
   * `--async-scheduling` (vLLM's default since 0.14): step N+1 is planned when step N is launched, so a request that
   * reaches a busy engine joins the step after next. An idle engine still schedules a new request at once.
   */
  readonly async_scheduling: boolean;
}

export interface Release {
  readonly description: string;
  readonly overheads: ReleaseOverheads;
  /**
   * GiB per GPU that the release's memory profiler holds back from the KV cache besides the weights (activation peak
   * + non-torch increase), used where a profile sets no `activation_reserve_gb`. V0 counted the CUDA context and NCCL
   * buffers (vllm-project/vllm#10511: 1.79 + 1.26 GiB); V1 snapshots memory after NCCL is up, and public V1 logs leave
   * 0.6-3.9 GiB, median 1.55 (docs/CALIBRATION.md, KV cache capacity against vLLM's logs).
   */
  readonly kv_reserve_gib: number;
}

/**
 * `v1`: vLLM ≥ 0.9 (V1 engine, separate engine-core process, async output, CUDA graphs) with the synchronous
 * scheduler of 0.9–0.13; fitted on the ≥ 0.9 anchors of docs/CALIBRATION.md. `v0.14` (the default for a profile that
 * names no release: current vLLM) is the same engine with async scheduling, on by default since 0.14
 * (vllm-project/vllm#27614): same CPU terms, one step more between a busy engine receiving a request and scheduling
 * it. Profiles fitted on 0.9–0.13 anchors say `vllm: v1`. `v0.6` keeps the values fitted on Lambda's 0.6-era runs
 * (multi-step scheduling).
 */
export const RELEASES: Readonly<Record<string, Release>> = {
  v1: {
    description: 'vLLM 0.9-0.13, V1 engine, synchronous scheduling',
    overheads: {
      ingress_ms: 12,
      per_step_ms: 0.5,
      per_seq_us: 15,
      per_layer_us: 40,
      per_moe_layer_us: 80,
      frontend_request_ms: 0,
      frontend_prompt_token_us: 0,
      frontend_chunk_us: 0,
      async_scheduling: false,
    },
    kv_reserve_gib: 1.5,
  },
  'v0.14': {
    description: 'vLLM >= 0.14, V1 engine with async scheduling (the default since 0.14; llmsim default)',
    overheads: {
      ingress_ms: 12,
      per_step_ms: 0.5,
      per_seq_us: 15,
      per_layer_us: 40,
      per_moe_layer_us: 80,
      frontend_request_ms: 0,
      frontend_prompt_token_us: 0,
      frontend_chunk_us: 0,
      async_scheduling: true,
    },
    kv_reserve_gib: 1.5,
  },
  'v0.11': {
    description: 'vLLM 0.11 (V1 engine) behind the chat endpoint, as gpustack measured it: a slower front end',
    overheads: {
      ingress_ms: 30,
      per_step_ms: 0.5,
      per_seq_us: 15,
      per_layer_us: 40,
      per_moe_layer_us: 80,
      frontend_request_ms: 20,
      frontend_prompt_token_us: 0,
      frontend_chunk_us: 0,
      async_scheduling: false,
    },
    kv_reserve_gib: 1.5,
  },
  'v0.6': {
    description: 'vLLM 0.6 era (V0 engine, multi-step scheduling; Lambda benchmark anchors)',
    overheads: {
      ingress_ms: 25,
      per_step_ms: 0.5,
      per_seq_us: 0,
      per_layer_us: 40,
      per_moe_layer_us: 0,
      frontend_request_ms: 0,
      frontend_prompt_token_us: 0,
      frontend_chunk_us: 0,
      async_scheduling: false,
    },
    kv_reserve_gib: 3,
  },
};

export const DEFAULT_RELEASE = 'v0.14';
