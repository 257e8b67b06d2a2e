/** @module The engine contract: what the HTTP layer submits and the events it gets back. No HTTP, no wall clock. */

/** One generated sequence (one `choice`): how many tokens it will produce before it finishes. */
export interface SequencePlan {
  /** Tokens this sequence generates in total (its finish reason is decided by the generator, not the engine). */
  readonly outputTokens: number;
  /** How the planned output ends, for metrics and the trace (`stop`, `length`, `tool_calls` counts as `stop`). */
  readonly finishReason?: string;
}

/** A validated, tokenized request handed to the engine by a route. The engine trusts it. */
import type { PrefixHashes } from './block-hash.ts';

export interface EngineRequest {
  readonly requestId: string;
  /** Prompt token ids after chat templating (used for KV sizing and prefix caching). */
  readonly promptTokenIds: readonly number[];
  /** One plan per choice (`n`); all share the prompt. */
  readonly sequences: readonly SequencePlan[];
  /** Lower is earlier (vLLM semantics); only used with priority scheduling. */
  readonly priority: number;
  /** Namespaces prefix-cache hashes (vLLM `cache_salt`). */
  readonly cacheSalt?: string;
  /** The prompt's block hashes when already computed (a preparation worker did): used if block size and salt match. */
  readonly prefixHashes?: PrefixHashes;
  /** Effective max tokens (for metrics histograms). */
  readonly maxTokens: number;
  /** LoRA adapter name, when the request targets one (counts against `max_loras` per batch). */
  readonly lora?: string;
  /** Simulated time the HTTP request arrived (before parsing and tokenization); defaults to submission time. */
  readonly arrivalTime?: number | undefined;
  /**
   * Its preparation outlived the clock hold's grace (real time, src/clock/holds.ts): steps did not wait for it, so it
   * is queued when submitted, not at arrival + α_in (its TTFT still counts from `arrivalTime`).
   */
  readonly late?: boolean;
  /**
   * P/D disaggregation, decode side: the prompt's KV cache comes from a prefill instance over the network, taking this
   * many seconds; the engine then computes only the last prompt token (as vLLM's NIXL connector does).
   */
  readonly remotePrefillSeconds?: number;
  /** Data parallelism: the rank (engine) to run on, chosen by the front door; absent = the engine picks. */
  readonly dataParallelRank?: number;
}

/** What a finished request reports once, after its last token event. */
export interface RequestSummary {
  /** Prompt tokens served from the prefix cache on first scheduling. */
  readonly cachedTokens: number;
  /** Simulated seconds (engine clock) for the trace and Ollama durations. */
  readonly arrivalTime: number;
  readonly firstScheduledTime: number;
  readonly firstTokenTime: number;
  readonly finishedTime: number;
  readonly preemptions: number;
}

/**
 * Receives engine events for one request. Calls are synchronous from inside an engine step;
 * all tokens a step produces for one sequence arrive in ONE `onTokens` call.
 */
export interface EngineSink {
  /** `released` = total tokens of sequence `seq` released so far; `finished` on its last step. */
  onTokens(seq: number, released: number, finished: boolean): void;
  /** After the last sequence finished (same step, right after its final `onTokens`). */
  onFinished(summary: RequestSummary): void;
}

export interface EngineHandle {
  /** Client went away: free the slot and KV blocks at once; no further sink calls. Idempotent. */
  abort(): void;
}

export interface EngineStats {
  readonly running: number;
  readonly waiting: number;
  /** 0..1 */
  readonly kvCacheUsage: number;
  /** LoRA adapters with requests running / waiting (for `vllm:lora_requests_info`). */
  readonly runningLoras?: readonly string[];
  readonly waitingLoras?: readonly string[];
}

export interface Engine {
  submit(request: EngineRequest, sink: EngineSink): EngineHandle;
  stats(): EngineStats;
  /** Stop timers; pending requests are aborted. */
  close(): void;
  /** vLLM's reset_prefix_cache (sleep does it too): false while blocks are in use. */
  resetPrefixCache?(): boolean;
  /** Data parallelism: the per-rank engines behind this one (absent: a single engine). */
  readonly ranks?: readonly Engine[];
}
