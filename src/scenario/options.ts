/**
 * @module What a simulator is started with (`ServeOptions`) and its defaults, independent of how they were given
 * (command line, tests, embedding code). The CLI parses flags into this; scenario, serving and engine read it.
 */
import type { SafetyOverrides } from './safety.ts';
import type { EngineFlags } from '../engine/settings.ts';
import type { KvEventsConfig } from '../kv-events/config.ts';

export const DEFAULT_MODEL = 'Qwen/Qwen3-8B';

export interface CorsOptions {
  readonly origins: readonly string[];
  readonly methods: readonly string[];
  readonly headers: readonly string[];
  readonly credentials: boolean;
}

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  /** One or more models (`--model` repeated); the first is the default. */
  readonly models: readonly string[];
  readonly servedModelNames: readonly string[];
  readonly seed: number;
  readonly maxModelLen: number | null;
  readonly tokenizer: string | null;
  readonly apiKeys: readonly string[];
  readonly scenario: string | null;
  readonly maxLogprobs: number;
  readonly enablePromptTokensDetails: boolean;
  readonly schedulingPolicy: 'fcfs' | 'priority';
  readonly reasoningParser: 'qwen3' | 'deepseek_r1' | null;
  /**
   * `--enable-auto-tool-choice` with `--tool-call-parser NAME`: the (first) model extracts tool calls, so chat requests
   * may ask for them. Both off by default, as vLLM: then any `tool_choice` but `none` is a 400.
   */
  readonly enableAutoToolChoice: boolean;
  readonly toolCallParser: string | null;
  /** `--tool-parser-plugin FILE`: accepted so any `--tool-call-parser` name is taken (llmsim loads no Python). */
  readonly toolParserPlugin: string | null;
  /** Accept `suffix` on /v1/completions by building the model's fill-in-the-middle prompt (vLLM rejects it). */
  readonly enableSuffix: boolean;
  /** Engine settings given on the command line (they override the scenario's and the profile's). */
  readonly engine: EngineFlags;
  /** Latency profile name or path (default: the model's catalog profile). */
  readonly profile: string | null;
  /** Simulated time runs this many times faster than wall time; `Infinity` = virtual time, as fast as possible. */
  readonly speedup: number;
  /** JSONL file receiving one record per finished request. */
  readonly trace: string | null;
  /** `--trace-tokens`: per-token times in the trace. */
  readonly traceTokens?: boolean;
  /** CORS, as vLLM's --allowed-origins/--allowed-methods/--allowed-headers/--allow-credentials (default `*`). */
  readonly cors: CorsOptions;
  /** `--lora-modules name=path ...` (vLLM syntax; also `{"name":..,"path":..}` JSON). */
  readonly loraModules: readonly { readonly name: string; readonly path: string }[];
  /** `--replicas N`: N identical replicas on consecutive ports. */
  readonly replicas: number;
  /** `--replica-index N`: only replica N of the fleet, on `port` (one pod of a StatefulSet); null = all. */
  readonly replicaIndex: number | null;
  /** `--data-parallel-size N`: N engines per model behind one port, as vLLM's DP front end. */
  readonly dataParallelSize: number;
  /**
   * `--api-server-count`: API-server loops in front of each model's ranks (vLLM: one process each); null = unset, which
   * vLLM (internal load balancing, vllm-project/vllm#32525) takes as the data-parallel size.
   */
  readonly apiServerCount: number | null;
  /** `--kv-events-config` with events enabled (ZMQ publisher), else null. */
  readonly kvEvents: KvEventsConfig | null;
  /** Periodic stats line (vLLM's LoggingStatLogger); off with `--disable-log-stats`. */
  readonly logStats: boolean;
  /** Seconds between stats lines (vLLM's VLLM_LOG_STATS_INTERVAL, default 10). */
  readonly logStatsInterval: number;
  /** `--enable-log-requests`: one line per request received, finished and per injected fault. */
  readonly logRequests: boolean;
  /** `--enable-sleep-mode`: POST /sleep, POST /wake_up, GET /is_sleeping. */
  readonly enableSleepMode: boolean;
  /** `--identity-headers`: responses name the replica, data-parallel rank and pod that served them. */
  readonly identityHeaders: boolean;
  /** The pod serving (POD_NAME / POD_NAMESPACE, as Kubernetes' downward API sets them). */
  readonly pod: { readonly name: string | null; readonly namespace: string | null };
  /** `--model-load-seconds S`: /health answers 503 (and generation is refused) for S simulated seconds after start. */
  readonly modelLoadSeconds: number;
  /** `--prepare-workers N`: worker threads that prepare requests (0: on the engine's thread). */
  readonly prepareWorkers: number;
  /** `--max-prepare-ms`: wall milliseconds one request's preparation may run on a worker. */
  readonly maxPrepareMs: number;
  /** `--max-prepare-memory-mb`: heap cap of each preparation worker. */
  readonly maxPrepareMemoryMb: number;
  /** vLLM flags given that llmsim accepts without effect (reported at start-up). */
  readonly ignoredFlags: readonly string[];
  /** Flags the user actually typed, so they win over scenario values. */
  readonly explicit: ReadonlySet<string>;
  /** Request templates, fault header, Responses store (cli/safety-flags.ts): only what was typed; absent = defaults. */
  readonly safety?: SafetyOverrides;
}

/** Every option at its default (vLLM's where vLLM has one): the CLI's starting point and the tests' base. */
export const DEFAULT_SERVE_OPTIONS: ServeOptions = {
  host: '127.0.0.1',
  port: 8000,
  models: [DEFAULT_MODEL],
  servedModelNames: [],
  seed: 0,
  maxModelLen: null,
  tokenizer: null,
  apiKeys: [],
  scenario: null,
  maxLogprobs: 20,
  enablePromptTokensDetails: false,
  schedulingPolicy: 'fcfs',
  reasoningParser: null,
  enableAutoToolChoice: false,
  toolCallParser: null,
  toolParserPlugin: null,
  enableSuffix: false,
  engine: {},
  profile: null,
  speedup: 1,
  trace: null,
  loraModules: [],
  replicas: 1,
  replicaIndex: null,
  cors: { origins: ['*'], methods: ['*'], headers: ['*'], credentials: false },
  dataParallelSize: 1,
  apiServerCount: null,
  kvEvents: null,
  // Off for embedding code and tests; the CLI turns it on unless --disable-log-stats, as vLLM.
  logStats: false,
  logStatsInterval: 10,
  logRequests: false,
  enableSleepMode: false,
  identityHeaders: false,
  pod: { name: null, namespace: null },
  modelLoadSeconds: 0,
  // Embedding code and tests prepare on the engine's thread unless they ask; the CLI defaults to cores - 1.
  prepareWorkers: 0,
  maxPrepareMs: 2000,
  maxPrepareMemoryMb: 512,
  ignoredFlags: [],
  explicit: new Set(),
};
