/**
 * @module `llmsim serve` flags: vLLM's names and spellings (normalize-argv.ts), the ones that act parsed here with
 * node:util parseArgs, vLLM's other flags accepted without effect (vllm-flags.ts); errors are one line.
 */
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { normalizeArgv } from './normalize-argv.ts';
import { withConfigFile } from './config-file.ts';
import { UsageError, fraction, int, jsonList, loraModule, optionalInt, replicaIndexOf, seconds, speedupOf, statsInterval } from './flag-values.ts';
import { parseKvEventsConfig } from '../kv-events/config.ts';
import { DEFAULT_MODEL, type ServeOptions } from '../scenario/options.ts';
import { SAFETY_OPTIONS, safetyOverrides } from './safety-flags.ts';
import { toolParserOf } from '../protocol/tool-parsers.ts';

// Re-exported for code written against the old location; new code imports from scenario/options.ts.
export type { ServeOptions } from '../scenario/options.ts';
export type { EngineFlags } from '../engine/settings.ts';
export { DEFAULT_MODEL } from '../scenario/options.ts';

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  model: { type: 'string', multiple: true },
  'enable-suffix': { type: 'boolean', default: false },
  'served-model-name': { type: 'string', multiple: true },
  seed: { type: 'string', default: '0' },
  'max-model-len': { type: 'string' },
  tokenizer: { type: 'string' },
  'api-key': { type: 'string', multiple: true },
  scenario: { type: 'string' },
  'max-logprobs': { type: 'string', default: '20' },
  'enable-prompt-tokens-details': { type: 'boolean', default: false },
  'scheduling-policy': { type: 'string', default: 'fcfs' },
  'reasoning-parser': { type: 'string' },
  // vLLM's tool-call access: without both, chat requests asking for tool calls are a 400 (protocol/tool-parsers.ts).
  'enable-auto-tool-choice': { type: 'boolean', default: false },
  'tool-call-parser': { type: 'string' },
  'tool-parser-plugin': { type: 'string' },
  profile: { type: 'string' },
  'max-num-seqs': { type: 'string' },
  'max-num-batched-tokens': { type: 'string' },
  'block-size': { type: 'string' },
  'num-gpu-blocks-override': { type: 'string' },
  'gpu-memory-utilization': { type: 'string' },
  'enable-prefix-caching': { type: 'boolean' },
  'no-enable-prefix-caching': { type: 'boolean' },
  'max-waiting': { type: 'string' },
  speedup: { type: 'string', default: '1' },
  trace: { type: 'string' },
  'trace-tokens': { type: 'boolean', default: false },
  'lora-modules': { type: 'string', multiple: true },
  replicas: { type: 'string', default: '1' },
  'enable-lora': { type: 'boolean', default: false },
  'max-loras': { type: 'string' },
  'allowed-origins': { type: 'string' },
  'allowed-methods': { type: 'string' },
  'allowed-headers': { type: 'string' },
  'allow-credentials': { type: 'boolean', default: false },
  'tensor-parallel-size': { type: 'string' },
  'data-parallel-size': { type: 'string', default: '1' },
  'api-server-count': { type: 'string' },
  'kv-events-config': { type: 'string' },
  'disable-log-stats': { type: 'boolean', default: false },
  'enable-log-requests': { type: 'boolean', default: false },
  // Deprecated in vLLM 0.10 (request logging is off by default since); accepted.
  'disable-log-requests': { type: 'boolean', default: false },
  'enable-sleep-mode': { type: 'boolean', default: false },
  'identity-headers': { type: 'boolean', default: false },
  'model-load-seconds': { type: 'string', default: '0' },
  'prepare-workers': { type: 'string' },
  'max-prepare-ms': { type: 'string', default: '2000' },
  'max-prepare-memory-mb': { type: 'string', default: '512' },
  'replica-index': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', default: false },
  ...SAFETY_OPTIONS,
} as const;

export { UsageError } from './flag-values.ts';

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ServeOptions | 'help' {
  let parsed;
  let normalized;
  try {
    normalized = normalizeArgv(withConfigFile(argv), OPTIONS);
    parsed = parseArgs({ args: normalized.argv, options: OPTIONS, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  const v = parsed.values;
  const off = (flag: string): boolean => normalized.negated.has(flag);
  if (v.help) return 'help';
  // `llmsim serve MODEL` like `vllm serve MODEL`.
  const positional = parsed.positionals[0];
  if (parsed.positionals.length > 1) throw new UsageError(`unexpected argument '${parsed.positionals[1]}'`);
  const policy = v['scheduling-policy'];
  if (policy !== 'fcfs' && policy !== 'priority') throw new UsageError(`--scheduling-policy must be fcfs or priority, got '${policy}'`);
  const parser = v['reasoning-parser'];
  if (parser !== undefined && parser !== 'qwen3' && parser !== 'deepseek_r1')
    throw new UsageError(`--reasoning-parser must be qwen3 or deepseek_r1, got '${parser}'`);
  const tools = {
    enableAutoToolChoice: v['enable-auto-tool-choice'] && !off('enable-auto-tool-choice'),
    toolCallParser: v['tool-call-parser'] || null,
    toolParserPlugin: v['tool-parser-plugin'] || null,
  };
  try {
    toolParserOf(tools);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const envKey = env['VLLM_API_KEY'];
  let kvEvents;
  try {
    kvEvents = v['kv-events-config'] === undefined ? null : parseKvEventsConfig(v['kv-events-config']);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const explicit = new Set((parsed.tokens ?? []).filter((t) => t.kind === 'option').map((t) => (t as { name: string }).name));
  for (const flag of normalized.negated) explicit.add(flag);
  return {
    // The container image sets LLMSIM_HOST=0.0.0.0 (vLLM listens on every interface); elsewhere loopback only.
    host: v.host ?? (env['LLMSIM_HOST'] || '127.0.0.1'),
    port: int('--port', v.port ?? (env['LLMSIM_PORT'] || '8000'), 0, 65535),
    models: positional ? [positional, ...(v.model ?? [])] : (v.model ?? [DEFAULT_MODEL]),
    servedModelNames: v['served-model-name'] ?? [],
    seed: int('--seed', v.seed, 0, Number.MAX_SAFE_INTEGER),
    maxModelLen: v['max-model-len'] === undefined ? null : int('--max-model-len', v['max-model-len'], 1, 10_000_000),
    tokenizer: v.tokenizer ?? null,
    apiKeys: v['api-key'] ?? (envKey ? [envKey] : []),
    scenario: v.scenario ?? null,
    maxLogprobs: int('--max-logprobs', v['max-logprobs'], -1, 1_000_000),
    // One core stays with the engine's thread (HTTP, clock, streams); at least one worker.
    prepareWorkers: v['prepare-workers'] === undefined ? Math.max(1, availableParallelism() - 1) : int('--prepare-workers', v['prepare-workers'], 0, 1024),
    maxPrepareMs: int('--max-prepare-ms', v['max-prepare-ms'], 1, 3_600_000),
    maxPrepareMemoryMb: int('--max-prepare-memory-mb', v['max-prepare-memory-mb'], 64, 1_048_576),
    enablePromptTokensDetails: v['enable-prompt-tokens-details'] && !off('enable-prompt-tokens-details'),
    schedulingPolicy: policy,
    reasoningParser: parser ?? null,
    ...tools,
    enableSuffix: v['enable-suffix'],
    engine: {
      ...optionalInt('maxNumSeqs', '--max-num-seqs', v['max-num-seqs'], 1),
      ...optionalInt('maxNumBatchedTokens', '--max-num-batched-tokens', v['max-num-batched-tokens'], 1),
      ...optionalInt('blockSize', '--block-size', v['block-size'], 1),
      ...optionalInt('numGpuBlocksOverride', '--num-gpu-blocks-override', v['num-gpu-blocks-override'], 1),
      ...optionalInt('maxWaiting', '--max-waiting', v['max-waiting'], 0),
      ...optionalInt('maxLoras', '--max-loras', v['max-loras'], 1),
      ...optionalInt('tensorParallelSize', '--tensor-parallel-size', v['tensor-parallel-size'], 1),
      ...(v['gpu-memory-utilization'] !== undefined ? { gpuMemoryUtilization: fraction('--gpu-memory-utilization', v['gpu-memory-utilization']) } : {}),
      ...(v['no-enable-prefix-caching'] || off('enable-prefix-caching')
        ? { enablePrefixCaching: false }
        : v['enable-prefix-caching']
          ? { enablePrefixCaching: true }
          : {}),
    },
    profile: v.profile ?? null,
    speedup: speedupOf(v.speedup),
    trace: v.trace ?? null,
    ...(v['trace-tokens'] ? { traceTokens: true } : {}),
    loraModules: (v['lora-modules'] ?? []).map(loraModule),
    replicas: int('--replicas', v.replicas, 1, 64),
    replicaIndex: replicaIndexOf(v['replica-index'], env),
    cors: {
      origins: jsonList('--allowed-origins', v['allowed-origins']),
      methods: jsonList('--allowed-methods', v['allowed-methods']),
      headers: jsonList('--allowed-headers', v['allowed-headers']),
      credentials: v['allow-credentials'] && !off('allow-credentials'),
    },
    dataParallelSize: int('--data-parallel-size', v['data-parallel-size'], 1, 64),
    apiServerCount: v['api-server-count'] === undefined ? null : int('--api-server-count', v['api-server-count'], 1, 64),
    kvEvents,
    logStats: !v['disable-log-stats'],
    logStatsInterval: statsInterval(env['VLLM_LOG_STATS_INTERVAL']),
    logRequests: v['enable-log-requests'] && !off('enable-log-requests') && !v['disable-log-requests'],
    enableSleepMode: v['enable-sleep-mode'] && !off('enable-sleep-mode'),
    identityHeaders: v['identity-headers'] && !off('identity-headers'),
    pod: { name: env['POD_NAME'] || null, namespace: env['POD_NAMESPACE'] || null },
    modelLoadSeconds: seconds('--model-load-seconds', v['model-load-seconds']),
    ignoredFlags: normalized.ignored,
    safety: safetyOverrides(v, env, (flag, raw, min) => int(flag, raw, min, Number.MAX_SAFE_INTEGER), off),
    explicit,
  };
}
