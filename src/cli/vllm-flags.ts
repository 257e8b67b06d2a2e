/**
 * @module The `vllm serve` flags llmsim accepts without effect (model loading, kernels, parallel back ends, SSL…), so a
 * vLLM command line runs unchanged. Taken from vLLM's argument definitions (EngineArgs.add_cli_args, the OpenAI
 * front end's FrontendArgs, AsyncEngineArgs) of the 0.11–0.13 releases. Flags that change what llmsim simulates are
 * parsed in args.ts instead.
 */

/** How a flag takes its value: `bool` (no value; `--no-X` too when vLLM has it), `value` (one), `list` (nargs='+'). */
export type InertKind = 'bool' | 'negatable' | 'value' | 'list' | 'optional';

const VALUE = [
  // ModelConfig
  'runner',
  'convert',
  'task',
  'tokenizer-mode',
  'dtype',
  'hf-config-path',
  'allowed-local-media-path',
  'revision',
  'code-revision',
  'rope-scaling',
  'rope-theta',
  'tokenizer-revision',
  'quantization',
  'logprobs-mode',
  'config-format',
  'hf-overrides',
  'pooler-config',
  'override-pooler-config',
  'logits-processor-pattern',
  'generation-config',
  'override-generation-config',
  'model-impl',
  'override-attention-dtype',
  'io-processor-plugin',
  // LoadConfig
  'load-format',
  'download-dir',
  'safetensors-load-strategy',
  'model-loader-extra-config',
  'pt-load-map-location',
  // StructuredOutputsConfig (deprecated guided-decoding spellings take a value)
  'guided-decoding-backend',
  'guided-decoding-disable-fallback',
  'guided-decoding-disable-any-whitespace',
  'guided-decoding-disable-additional-properties',
  // ParallelConfig
  'distributed-executor-backend',
  'pipeline-parallel-size',
  'decode-context-parallel-size',
  'data-parallel-rank',
  'data-parallel-start-rank',
  'data-parallel-size-local',
  'data-parallel-address',
  'data-parallel-rpc-port',
  'data-parallel-backend',
  'all2all-backend',
  'dbo-decode-token-threshold',
  'dbo-prefill-token-threshold',
  'eplb-config',
  'expert-placement-strategy',
  'num-redundant-experts',
  'eplb-window-size',
  'eplb-step-interval',
  'max-parallel-loading-workers',
  'worker-cls',
  'worker-extension-cls',
  // CacheConfig
  'kv-cache-memory-bytes',
  'swap-space',
  'kv-cache-dtype',
  'prefix-caching-hash-algo',
  'cpu-offload-gb',
  'mamba-cache-dtype',
  'mamba-ssm-cache-dtype',
  'mamba-block-size',
  // MultiModalConfig
  'limit-mm-per-prompt',
  'media-io-kwargs',
  'mm-processor-kwargs',
  'mm-processor-cache-gb',
  'mm-processor-cache-type',
  'mm-shm-cache-max-object-size-mb',
  'mm-encoder-tp-mode',
  'mm-encoder-attn-backend',
  'video-pruning-rate',
  // LoRAConfig
  'max-lora-rank',
  'lora-extra-vocab-size',
  'lora-dtype',
  'max-cpu-loras',
  'default-mm-loras',
  // ObservabilityConfig
  'show-hidden-metrics-for-version',
  'otlp-traces-endpoint',
  // SchedulerConfig
  'max-num-partial-prefills',
  'max-long-partial-prefills',
  'long-prefill-token-threshold',
  'num-lookahead-slots',
  'scheduler-cls',
  // CompilationConfig, VllmConfig
  'max-cudagraph-capture-size',
  'speculative-config',
  'kv-transfer-config',
  'compilation-config',
  'additional-config',
  'structured-outputs-config',
  // FrontendArgs
  'chat-template',
  'chat-template-content-format',
  'default-chat-template-kwargs',
  'response-role',
  'tool-server',
  'log-config-file',
  'max-log-len',
  'cohere-format',
  'fingerprint-mode',
  'fingerprint-value',
  'data-parallel-supervisor-port',
  'dp-supervisor-probe-interval-s',
  'dp-supervisor-probe-timeout-s',
  'dp-supervisor-probe-failure-threshold',
  'uds',
  'uvicorn-log-level',
  'disable-access-log-for-endpoints',
  'ssl-keyfile',
  'ssl-certfile',
  'ssl-ca-certs',
  'ssl-cert-reqs',
  'ssl-ciphers',
  'root-path',
  'middleware',
  'h11-max-incomplete-event-size',
  'h11-max-header-count',
] as const;

const LIST = [
  'allowed-media-domains',
  'ignore-patterns',
  'logits-processors',
  'collect-detailed-traces',
  'cudagraph-capture-sizes',
  'cuda-graph-sizes',
] as const;

/** Dataclass booleans: vLLM registers them with BooleanOptionalAction (`--X` / `--no-X`). */
const NEGATABLE = [
  'trust-remote-code',
  'enforce-eager',
  'disable-sliding-window',
  'disable-cascade-attn',
  'skip-tokenizer-init',
  'enable-prompt-embeds',
  'use-tqdm-on-load',
  'data-parallel-hybrid-lb',
  'data-parallel-external-lb',
  'enable-expert-parallel',
  'enable-dbo',
  'disable-nccl-for-dp-synchronization',
  'enable-eplb',
  'eplb-log-balancedness',
  'ray-workers-use-nsight',
  'disable-custom-all-reduce',
  'calculate-kv-scales',
  'kv-sharing-fast-prefill',
  'enable-mm-embeds',
  'interleave-mm-strings',
  'skip-mm-profiling',
  'fully-sharded-loras',
  'enable-chunked-prefill',
  'disable-chunked-mm-input',
  'disable-hybrid-kv-cache-manager',
  'async-scheduling',
  'return-tokens-as-token-ids',
  'exclude-tools-when-tool-choice-none',
  'enable-per-request-metrics',
  'enable-server-load-tracking',
  'enable-force-include-usage',
  'enable-tokenizer-info-endpoint',
  'enable-log-outputs',
  'enable-log-deltas',
  'cohere-is-reasoning-model',
  'log-error-stack',
  'tokens-only',
  'disable-uvicorn-access-log',
  'enable-ssl-refresh',
  'enable-request-id-headers',
  'disable-fastapi-docs',
  'enable-offline-docs',
  'enable-flash-late-interaction',
] as const;

/** Plain store_true flags. */
const BOOL = ['enable-multimodal-encoder-data-parallel', 'disable-mm-preprocessor-cache', 'aggregate-engine-logging', 'headless', 'grpc'] as const;

/** Every inert flag and how it takes its value. */
export const INERT_FLAGS: ReadonlyMap<string, InertKind> = new Map<string, InertKind>([
  ...VALUE.map((f) => [f, 'value'] as const),
  ...LIST.map((f) => [f, 'list'] as const),
  ...NEGATABLE.map((f) => [f, 'negatable'] as const),
  ...BOOL.map((f) => [f, 'bool'] as const),
  // `--hf-token` alone means "use the cached token"; `--hf-token TOKEN` gives one.
  ['hf-token', 'optional'],
]);

/** vLLM's short aliases (argparse allows several letters after one dash). */
export const SHORT_ALIASES: Readonly<Record<string, string>> = {
  tp: 'tensor-parallel-size',
  pp: 'pipeline-parallel-size',
  dcp: 'decode-context-parallel-size',
  dp: 'data-parallel-size',
  dpn: 'data-parallel-rank',
  dpr: 'data-parallel-start-rank',
  dpl: 'data-parallel-size-local',
  dpa: 'data-parallel-address',
  dpp: 'data-parallel-rpc-port',
  dpb: 'data-parallel-backend',
  q: 'quantization',
  O: 'compilation-config',
  asc: 'api-server-count',
  h: 'help',
};

/** The inert flags, wrapped for --help. */
export function inertFlagsHelp(width = 110): string {
  const names = [...INERT_FLAGS.keys()].sort().map((f) => `--${f}`);
  const lines: string[] = [];
  let line = ' ';
  for (const n of names) {
    if (line.length + n.length + 1 > width) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${n}`;
  }
  lines.push(line);
  return lines.join('\n');
}
