/** @module What the engine reports as it runs (metrics and the trace listen); all times are simulated seconds. */
import type { EngineStats } from './types.ts';

export interface StepReport {
  readonly start: number;
  readonly duration: number;
  /** Prompt tokens computed this step (prefill chunks). */
  readonly prefillTokens: number;
  /** Tokens produced (sampled) this step. */
  readonly generatedTokens: number;
  /** Tokens the step processed (prefill chunks + one per decoding sequence): never above the token budget. */
  readonly scheduledTokens: number;
  /** Sequences in the batch: never above max-num-seqs. */
  readonly batchSize: number;
}

export interface RequestReport {
  readonly requestId: string;
  readonly arrival: number;
  /** Entered the waiting queue (after the front-end delay). */
  readonly queued: number;
  readonly firstScheduled: number | null;
  readonly firstToken: number | null;
  readonly finished: number;
  readonly promptTokens: number;
  readonly cachedTokens: number;
  readonly generatedTokens: readonly number[];
  readonly maxTokens: number;
  readonly finishReason: string;
  readonly preemptions: number;
  readonly prefillChunks: readonly { readonly time: number; readonly tokens: number }[];
  readonly lora: string | null;
  /** `--trace-tokens`: simulated time of each token of the first choice. */
  readonly tokenTimes?: readonly number[];
}

export interface EngineObserver {
  /** A step's timer fired (before any of its tokens are handed out); `plannedEnd` is when it was due. */
  stepFired?(plannedEnd: number): void;
  step?(report: StepReport): void;
  /** Gap between two successive token deliveries of one sequence. */
  tokenGap?(seconds: number): void;
  prefixCache?(queried: number, hit: number): void;
  preemption?(): void;
  /** Prompt fully processed for the first time (vLLM counts prompt tokens then). */
  promptDone?(tokens: number): void;
  requestDone?(report: RequestReport): void;
}

/**
 * Where an engine reports to: the Prometheus registry (metrics/metrics.ts) satisfies it. Declared here, so the engine
 * names what it needs and does not import the metrics module that observes it.
 */
export interface EngineMetrics {
  /** The observer for one model's engine (`engine`: data-parallel rank label). */
  observerFor(modelName: string, engine?: string): EngineObserver;
  /** Registers a model's engine for the gauges read at scrape time. */
  addModel(source: ModelMetricsSource): void;
  /** How late a step started against its plan (seconds). */
  schedulerLag(seconds: number): void;
  /** How late a step's tokens were handed out against its plan (seconds). */
  stepDeliveryLag(seconds: number): void;
}

/** What the metrics read of one model's engine at scrape time. */
export interface ModelMetricsSource {
  readonly name: string;
  /** vLLM's `engine` label: the data-parallel rank ('0' without data parallelism). */
  readonly engine?: string;
  readonly maxModelLen: number;
  /** `--max-loras` when LoRA is enabled for this model (adds `vllm:lora_requests_info`). */
  readonly maxLoras?: number;
  stats(): EngineStats;
  readonly cacheConfig: Readonly<Record<string, string>>;
}
