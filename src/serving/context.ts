/** @module What every route needs: the served models (tokenizer + engine each), server-wide settings and the time source for `created`. */
import type { Engine } from '../engine/types.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import type { OutputLengthDistribution } from '../generate/plan.ts';
import type { ReasoningParser } from '../generate/output.ts';
import type { Rule } from '../scenario/schema.ts';
import type { Deployment } from '../scenario/resolve.ts';
import type { FaultInjector } from '../faults/injector.ts';
import type { MetricsRegistry } from '../metrics/metrics.ts';
import { errors } from '../protocol/errors.ts';
import type { SafetySettings } from '../scenario/safety.ts';
import type { GoneSignal } from '../http/client-gone.ts';

/**
 * What preparing a request reads of a served model (template, tokenizer, limits, output shape): plain configuration
 * a preparation worker rebuilds from the same data (serving/build.ts), with no engine.
 */
export interface PrepModel {
  /** First served name: echoed in responses and used as the metric label. */
  readonly name: string;
  /** Every name the model answers to (first is `name`). */
  readonly aliases: readonly string[];
  /** `--model` (what `/v1/models` reports as `root`). */
  readonly root: string;
  /** Identity of the configuration that built this model (engines survive reloads that keep it). */
  readonly configKey: string;
  readonly tokenizer: Tokenizer;
  readonly maxModelLen: number;
  readonly outputLengths: OutputLengthDistribution;
  /** `--reasoning-parser`: thinking text goes to `reasoning`/`reasoning_content`. */
  readonly reasoningParser: ReasoningParser | null;
  /** Scheduling policy `priority` (per model: CLI for the command-line models, `engine.scheduling_policy` in a
   * scenario); otherwise a non-zero request `priority` is vLLM's 400. */
  readonly priorityScheduling: boolean;
  readonly reasoningMedianTokens: number;
  /**
   * `--tool-call-parser` when `--enable-auto-tool-choice` is on, else null: then chat requests may not ask for tool
   * calls (vLLM's 400, dialects/openai/tools-access.ts) and Responses never returns one.
   */
  readonly toolParser: string | null;
  /** Chance that `tool_choice: "auto"` produces tool calls. */
  readonly toolCallProbability: number;
  /** LoRA adapters served on top of this model: name → path. */
  readonly loras: ReadonlyMap<string, string>;
  /** The engine's KV block size when it caches prefixes (prompts then carry their block hashes), else null. */
  readonly prefixBlockSize: number | null;
}

export interface ServedModel extends PrepModel {
  readonly engine: Engine;
  /** Seconds to move the KV cache of `tokens` prompt tokens between P/D instances (profile's KV size and link). */
  readonly kvTransferSeconds: (tokens: number) => number;
  /** Bound on the engine's waiting queue (null: unbounded, as vLLM); beyond it requests get 429. */
  readonly maxWaiting: number | null;
  /** LoRA adapters served on top of this model: name → path (mutable: load/unload endpoints). */
  readonly loras: Map<string, string>;
}

export interface ServerSettings {
  readonly seed: number;
  readonly apiKeys: readonly string[];
  readonly maxLogprobs: number;
  readonly enablePromptTokensDetails: boolean;
  /** `--enable-suffix`: build the FIM prompt from `suffix` instead of vLLM's 400. */
  readonly enableSuffix: boolean;
  readonly maxBodyBytes: number;
  readonly cors: {
    readonly origins: readonly string[];
    readonly methods: readonly string[];
    readonly headers: readonly string[];
    readonly credentials: boolean;
  };
  readonly version: string;
  /** Request templates, the fault header, the Responses store: switches and bounds (scenario/safety.ts). */
  readonly safety: SafetySettings;
  /** `--data-parallel-size`: engines per model behind this port. */
  readonly dataParallelSize: number;
  /** `--identity-headers`: who serves (replica, pod from the downward API), or null when off. */
  readonly identity: { readonly replica: string; readonly pod: string | null; readonly namespace: string | null } | null;
  /** `--enable-sleep-mode`: the /sleep, /wake_up and /is_sleeping routes exist. */
  readonly enableSleepMode: boolean;
}

/** Whether the engine takes work: loading (model-load delay) and sleep mode refuse generation with a 503. */
export interface Lifecycle {
  /** Simulated time at which the model counts as loaded (`/health` 200 from then on). */
  readyAt: number;
  /** Sleep level (1 or 2) while asleep, 0 when awake. */
  sleepLevel: number;
}

/** The server-wide settings preparation reads. */
export type PrepareSettings = Pick<ServerSettings, 'seed' | 'maxLogprobs' | 'safety' | 'enableSuffix'>;

/** Everything a preparation job reads: the served models' configuration, response rules and settings (no engine). */
export interface PrepareEnv {
  readonly models: readonly PrepModel[];
  readonly rules: readonly Rule[];
  readonly settings: PrepareSettings;
}

/** A preparation job: which dialect's preparation, on which body text (pipeline/prepare.ts). */
export interface PrepareJob {
  readonly kind: string;
  /** The body text, or a large body's UTF-8 bytes (handed over by transfer: src/http/request-body.ts). */
  readonly body: string | Uint8Array;
  /** Bytes that move to the worker (their buffer is detached here): the caller needs them no more. */
  readonly transfer?: boolean;
  /** What the engine's thread looked up for the job (pipeline/prepare.ts `NeedsContext`). */
  readonly given?: unknown;
}

/** Runs preparation jobs off the engine's thread (pipeline/prepare-pool.ts). */
export interface Preparer {
  /** Resolves with the job's wire result (pipeline/prepare-wire.ts); rejects with an ApiError for a broken budget. */
  run(ctx: ServerContext, job: PrepareJob, signal: GoneSignal | undefined): Promise<unknown>;
  /** Real-time clocks let steps run while a request is prepared (virtual time must wait: host work never moves it). */
  readonly releasesClockHold: boolean;
  close(): Promise<void>;
}

export interface ServerContext {
  /** Replaced as a whole by a scenario reload; requests already running keep the model object they resolved. */
  models: readonly ServedModel[];
  /** Scenario response rules (canned answers for CI fixtures); first match wins. */
  rules: readonly Rule[];
  /** The deployment in force (GET /admin/config). */
  deployment: Deployment;
  readonly settings: ServerSettings;
  /** Unix seconds for `created` fields (from the clock module). */
  unixSeconds(): number;
  /** Unix time in fractional seconds on the same timeline (Ollama's nanosecond `created_at`). */
  unixTime(): number;
  /** Simulated seconds since the server started. */
  elapsed(): number;
  /** Runs `fn` after `seconds` of simulated time (the clock's timer); returns a cancel function. */
  after(seconds: number, fn: () => void): () => void;
  readonly faults: FaultInjector;
  readonly metrics: MetricsRegistry;
  /** Where this server listens (set once listening): P/D responses tell the decode side where the KV lives. */
  address: { host: string; port: number };
  /** Re-reads the scenario file (SIGHUP, POST /admin/reload); null when the server runs without one. */
  reload?: () => void;
  /** Requests currently being served (GET /load). */
  inflight: number;
  readonly lifecycle: Lifecycle;
  /** Rotates the data-parallel tie-break so a burst of requests spreads over equally loaded ranks. */
  dataParallelCursor: number;
  /**
   * Bumped whenever what a request is prepared against changes (scenario reload, LoRA load/unload): requests
   * prepared under an older configuration are not reused.
   */
  configVersion: number;
  /** `--prepare-workers` > 0: the preparation pool; absent, requests are prepared on this thread. */
  preparer?: Preparer;
}

/** Resolves the request's `model` (absent or empty → the first model), else 404 as vLLM. */
export function resolveModel<M extends PrepModel>(ctx: { readonly models: readonly M[] }, requested: string | null | undefined): M {
  if (requested === undefined || requested === null || requested === '') return ctx.models[0] as M;
  const hit = ctx.models.find((m) => m.aliases.includes(requested) || m.loras.has(requested));
  if (!hit) throw errors.modelNotFound(requested);
  return hit;
}

/** The LoRA adapter a request names, or null when it names a base model (or nothing). */
export function loraOf(model: PrepModel, requested: string | null | undefined): string | null {
  return requested && model.loras.has(requested) ? requested : null;
}
