/** @module What the engine reports as it runs (metrics and the trace listen); all times are simulated seconds. */

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
