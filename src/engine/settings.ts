/** @module Engine settings (vLLM's engine arguments that shape the simulated scheduler and KV cache), whoever sets them. */

/** Engine settings given on the command line or in a scenario; absent = the profile's / vLLM's default. */
export interface EngineFlags {
  readonly maxNumSeqs?: number;
  readonly maxNumBatchedTokens?: number;
  readonly blockSize?: number;
  readonly numGpuBlocksOverride?: number;
  readonly gpuMemoryUtilization?: number;
  readonly enablePrefixCaching?: boolean;
  readonly maxWaiting?: number;
  /** vLLM --scheduling-policy: `priority` orders the waiting queue by request `priority` (and preempts by it). */
  readonly schedulingPolicy?: 'fcfs' | 'priority';
  /** Distinct LoRA adapters allowed in one running batch (vLLM --max-loras). */
  readonly maxLoras?: number;
  /** GPUs per engine (vLLM --tensor-parallel-size): overrides the profile's `tensor_parallel` (step time, KV size). */
  readonly tensorParallelSize?: number;
}
