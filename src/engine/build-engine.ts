/** @module Builds one model's step engine from its profile and settings (vLLM defaults derived from the GPU), wiring metrics and the trace. */
import type { Engine } from './types.ts';
import type { EngineFlags } from './settings.ts';
import type { Clock } from '../clock/clock.ts';
import type { TraceWriter } from './trace.ts';
import type { EngineMetrics, EngineObserver } from './observer.ts';
import { loadProfile, defaultBatchLimits, kvCapacityBlocks, frontEndCosts } from '../timing/profile.ts';
import { createStepModel } from '../timing/step-model.ts';
import { createKvCache, type KvCacheListener } from './kv-cache.ts';
import { createStepEngine } from './step-engine.ts';
import { withFrontEnd } from './frontend.ts';

export interface ModelEngineOptions {
  readonly name: string;
  readonly profile: string;
  readonly settings: EngineFlags;
  readonly schedulingPolicy: 'fcfs' | 'priority';
  readonly clock: Clock;
  readonly metrics: EngineMetrics;
  readonly trace: TraceWriter | null;
  readonly maxModelLen: number;
  /**
   * Runs `fn` once the tokens handed out so far have been written to their sockets (the stream writer flushes in
   * slices after the step). Without it, `fn` runs at once.
   */
  readonly afterDelivery?: (fn: () => void) => void;
  /** Also told of steps, prefix-cache lookups and finished requests (the stats and request logs). */
  readonly extraObserver?: EngineObserver;
  /** Data-parallel rank (vLLM's `engine` metrics label); '0' by default. */
  readonly engineIndex?: string;
  /** KV-cache events: told every store/evict/clear, and when a step (or a reset) is done so it can publish a batch. */
  readonly kvEvents?: KvCacheListener & { flush(): void };
  /** `--trace-tokens`: per-token times in the trace. */
  readonly traceTokens?: boolean;
  /**
   * false: no front-end queue in front of this engine; the caller puts one in front of several (the data-parallel
   * ranks of one model share the API server, src/cli/start.ts).
   */
  readonly frontEnd?: boolean;
}

/** What an engine was sized to (the start-up banner prints it). */
export interface EngineSizing {
  readonly profile: string;
  readonly tensorParallel: number;
  readonly totalBlocks: number;
  readonly blockSize: number;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
}

export function buildModelEngine(o: ModelEngineOptions): Engine & { readonly sizing: EngineSizing } {
  const loaded = loadProfile(o.profile);
  // --tensor-parallel-size re-shards the profile's model over N GPUs: weights and KV per GPU, all-reduce per layer.
  const profile = o.settings.tensorParallelSize === undefined || loaded.instant ? loaded : { ...loaded, tensor_parallel: o.settings.tensorParallelSize };
  const defaults = defaultBatchLimits(profile);
  const blockSize = o.settings.blockSize ?? 16;
  const utilization = o.settings.gpuMemoryUtilization ?? 0.9;
  const totalBlocks = o.settings.numGpuBlocksOverride ?? kvCapacityBlocks(profile, blockSize, utilization);
  if (totalBlocks <= 0) throw new Error(`profile ${profile.name}: the weights do not fit in GPU memory at gpu_memory_utilization ${utilization}`);
  const enablePrefixCaching = o.settings.enablePrefixCaching ?? true;
  const kv = createKvCache({ totalBlocks, blockSize, enablePrefixCaching, ...(o.kvEvents ? { listener: o.kvEvents } : {}) });
  const engineIndex = o.engineIndex ?? '0';
  const metricsObserver = o.metrics.observerFor(o.name, engineIndex);
  const after = o.afterDelivery ?? ((fn: () => void): void => fn());
  const observer: EngineObserver = {
    ...metricsObserver,
    prefixCache(queried, hit) {
      metricsObserver.prefixCache?.(queried, hit);
      o.extraObserver?.prefixCache?.(queried, hit);
    },
    // Scheduler lag: a step counts as fired once its timer ran *and* the earlier steps' chunks are out. Streams are
    // written in slices after a step, so a timer can fire on time over a backlog of writes; a server that writes
    // synchronously could not have fired before that backlog was gone, and llmsim falling behind must show.
    stepFired(planned) {
      after(() => o.metrics.schedulerLag(o.clock.lagSince(planned)));
    },
    step(report) {
      metricsObserver.step?.(report);
      o.extraObserver?.step?.(report);
      o.kvEvents?.flush();
      // Delivery lag: how late the step's last chunk left, so the write time of a large batch is visible too.
      const planned = report.start + report.duration;
      after(() => o.metrics.stepDeliveryLag(o.clock.lagSince(planned)));
    },
    requestDone(report) {
      metricsObserver.requestDone?.(report);
      o.extraObserver?.requestDone?.(report);
      o.trace?.write(o.name, report);
    },
  };
  const engine = createStepEngine({
    clock: o.clock,
    model: createStepModel(profile),
    kv,
    maxNumSeqs: o.settings.maxNumSeqs ?? defaults.maxNumSeqs,
    maxNumBatchedTokens: o.settings.maxNumBatchedTokens ?? defaults.maxNumBatchedTokens,
    schedulingPolicy: o.schedulingPolicy,
    ...(o.settings.maxLoras !== undefined ? { maxLoras: o.settings.maxLoras } : {}),
    observer,
    recordTokenTimes: o.traceTokens === true,
  });
  o.metrics.addModel({
    name: o.name,
    engine: engineIndex,
    maxModelLen: o.maxModelLen,
    ...(o.settings.maxLoras !== undefined ? { maxLoras: o.settings.maxLoras } : {}),
    stats: () => engine.stats(),
    cacheConfig: {
      block_size: String(blockSize),
      cache_dtype: 'auto',
      enable_prefix_caching: enablePrefixCaching ? 'True' : 'False',
      gpu_memory_utilization: String(utilization),
      num_gpu_blocks: String(totalBlocks),
      num_gpu_blocks_override: o.settings.numGpuBlocksOverride === undefined ? 'None' : String(o.settings.numGpuBlocksOverride),
      num_cpu_blocks: 'None',
      prefix_caching_hash_algo: 'sha256',
      swap_space: '4',
      cpu_offload_gb: '0',
      is_attention_free: 'False',
      sliding_window: 'None',
    },
  });
  const sizing: EngineSizing = {
    profile: profile.name,
    tensorParallel: profile.tensor_parallel,
    totalBlocks,
    blockSize,
    maxNumSeqs: o.settings.maxNumSeqs ?? defaults.maxNumSeqs,
    maxNumBatchedTokens: o.settings.maxNumBatchedTokens ?? defaults.maxNumBatchedTokens,
  };
  // The API-server loop in front of the engine when the profile gives it costs (a pass-through otherwise).
  return Object.assign(o.frontEnd === false ? { ...engine } : withFrontEnd(engine, o.clock, frontEndCosts(profile)), {
    sizing,
    resetPrefixCache(): boolean {
      const done = kv.resetPrefixCache();
      o.kvEvents?.flush();
      return done;
    },
  });
}
