/** @module `llmsim serve` flags (vLLM names where vLLM has them), parsed with node:util parseArgs; errors are one line. */
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL, type ServeOptions } from '../scenario/options.ts';

// Re-exported for code written against the old location; new code imports from scenario/options.ts.
export type { ServeOptions } from '../scenario/options.ts';
export type { EngineFlags } from '../engine/settings.ts';
export { DEFAULT_MODEL } from '../scenario/options.ts';

const OPTIONS = {
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '8000' },
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
  // Accepted for vLLM command-line compatibility: llmsim always parses tool calls (Hermes format).
  'enable-auto-tool-choice': { type: 'boolean', default: false },
  'tool-call-parser': { type: 'string' },
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
  'lora-modules': { type: 'string', multiple: true },
  replicas: { type: 'string', default: '1' },
  'enable-lora': { type: 'boolean', default: false },
  'max-loras': { type: 'string' },
  'allowed-origins': { type: 'string' },
  'allowed-methods': { type: 'string' },
  'allowed-headers': { type: 'string' },
  'allow-credentials': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export class UsageError extends Error {}

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv): ServeOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: expandMultiValue(argv, ['--served-model-name', '--api-key', '--lora-modules']), options: OPTIONS, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  const v = parsed.values;
  if (v.help) return 'help';
  // `llmsim serve MODEL` like `vllm serve MODEL`.
  const positional = parsed.positionals[0];
  if (parsed.positionals.length > 1) throw new UsageError(`unexpected argument '${parsed.positionals[1]}'`);
  const policy = v['scheduling-policy'];
  if (policy !== 'fcfs' && policy !== 'priority') throw new UsageError(`--scheduling-policy must be fcfs or priority, got '${policy}'`);
  const parser = v['reasoning-parser'];
  if (parser !== undefined && parser !== 'qwen3' && parser !== 'deepseek_r1') throw new UsageError(`--reasoning-parser must be qwen3 or deepseek_r1, got '${parser}'`);
  const envKey = env['VLLM_API_KEY'];
  return {
    host: v.host,
    port: int('--port', v.port, 0, 65535),
    models: positional ? [positional, ...(v.model ?? [])] : (v.model ?? [DEFAULT_MODEL]),
    servedModelNames: v['served-model-name'] ?? [],
    seed: int('--seed', v.seed, 0, Number.MAX_SAFE_INTEGER),
    maxModelLen: v['max-model-len'] === undefined ? null : int('--max-model-len', v['max-model-len'], 1, 10_000_000),
    tokenizer: v.tokenizer ?? null,
    apiKeys: v['api-key'] ?? (envKey ? [envKey] : []),
    scenario: v.scenario ?? null,
    maxLogprobs: int('--max-logprobs', v['max-logprobs'], -1, 1_000_000),
    enablePromptTokensDetails: v['enable-prompt-tokens-details'],
    schedulingPolicy: policy,
    reasoningParser: parser ?? null,
    enableSuffix: v['enable-suffix'],
    engine: {
      ...optionalInt('maxNumSeqs', '--max-num-seqs', v['max-num-seqs'], 1),
      ...optionalInt('maxNumBatchedTokens', '--max-num-batched-tokens', v['max-num-batched-tokens'], 1),
      ...optionalInt('blockSize', '--block-size', v['block-size'], 1),
      ...optionalInt('numGpuBlocksOverride', '--num-gpu-blocks-override', v['num-gpu-blocks-override'], 1),
      ...optionalInt('maxWaiting', '--max-waiting', v['max-waiting'], 0),
      ...optionalInt('maxLoras', '--max-loras', v['max-loras'], 1),
      ...(v['gpu-memory-utilization'] !== undefined ? { gpuMemoryUtilization: fraction('--gpu-memory-utilization', v['gpu-memory-utilization']) } : {}),
      ...(v['no-enable-prefix-caching'] ? { enablePrefixCaching: false } : v['enable-prefix-caching'] ? { enablePrefixCaching: true } : {}),
    },
    profile: v.profile ?? null,
    speedup: speedupOf(v.speedup),
    trace: v.trace ?? null,
    loraModules: (v['lora-modules'] ?? []).map(loraModule),
    replicas: int('--replicas', v.replicas, 1, 64),
    cors: {
      origins: jsonList('--allowed-origins', v['allowed-origins']),
      methods: jsonList('--allowed-methods', v['allowed-methods']),
      headers: jsonList('--allowed-headers', v['allowed-headers']),
      credentials: v['allow-credentials'],
    },
    explicit: new Set((parsed.tokens ?? []).filter((t) => t.kind === 'option').map((t) => (t as { name: string }).name)),
  };
}

function loraModule(raw: string): { name: string; path: string } {
  if (raw.trim().startsWith('{')) {
    try {
      const v = JSON.parse(raw) as { name?: unknown; path?: unknown };
      if (typeof v.name === 'string' && typeof v.path === 'string') return { name: v.name, path: v.path };
    } catch {
      // reported below
    }
    throw new UsageError(`--lora-modules expects name=path or {"name": ..., "path": ...}, got '${raw}'`);
  }
  const at = raw.indexOf('=');
  if (at <= 0 || at === raw.length - 1) throw new UsageError(`--lora-modules expects name=path, got '${raw}'`);
  return { name: raw.slice(0, at), path: raw.slice(at + 1) };
}

function optionalInt<K extends string>(key: K, flag: string, raw: string | undefined, min: number): Partial<Record<K, number>> {
  return raw === undefined ? {} : ({ [key]: int(flag, raw, min, Number.MAX_SAFE_INTEGER) } as Partial<Record<K, number>>);
}

/** vLLM takes these as JSON lists (`--allowed-origins '["https://a.example"]'`); a bare comma list is accepted too. */
function jsonList(flag: string, raw: string | undefined): string[] {
  if (raw === undefined) return ['*'];
  try {
    const value: unknown = JSON.parse(raw);
    if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value;
  } catch {
    // fall through to the comma form
  }
  if (raw.trim().startsWith('[')) throw new UsageError(`${flag} expects a JSON list of strings, got '${raw}'`);
  return raw.split(',').map((x) => x.trim()).filter(Boolean);
}

function fraction(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new UsageError(`${flag} expects a number in (0, 1], got '${raw}'`);
  return n;
}

/** `--speedup 10` runs simulated time 10x faster; `inf` (or `virtual`) runs it as fast as the CPU allows. */
function speedupOf(raw: string): number {
  if (raw === 'inf' || raw === 'virtual' || raw === 'Infinity') return Infinity;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--speedup expects a positive number or 'inf', got '${raw}'`);
  return n;
}

function int(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} expects an integer in [${min}, ${max}], got '${raw}'`);
  return n;
}

/** vLLM's `--served-model-name a b` (nargs='+') → `--served-model-name a --served-model-name b`. */
function expandMultiValue(argv: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    out.push(arg);
    if (!flags.includes(arg)) continue;
    let first = true;
    while (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('-')) {
      if (!first) out.push(arg);
      out.push(argv[++i] as string);
      first = false;
    }
  }
  return out;
}

export const SERVE_HELP = `Usage: llmsim serve [MODEL] [options]

Serves a simulated vLLM engine with the OpenAI-compatible API.

Options:
  --host HOST                      bind address (default 127.0.0.1)
  --port PORT                      port (default 8000; 0 picks a free one)
  --model NAME                     model id, reported as \`root\` (default ${DEFAULT_MODEL}); repeat to serve several
  --served-model-name NAME...      names the (first) model answers to (first one is echoed and labels metrics)
  --seed N                         global seed for all generated content (default 0)
  --max-model-len N                context window in tokens (default from the model)
  --tokenizer DIR                  local Hugging Face tokenizer directory (tokenizer.json, tokenizer_config.json)
  --api-key KEY...                 require \`Authorization: Bearer KEY\` on /v1/* (env VLLM_API_KEY)
  --scenario FILE                  scenario file (YAML or JSON)
  --max-logprobs N                 cap on logprobs / top_logprobs (default 20)
  --enable-prompt-tokens-details   report usage.prompt_tokens_details.cached_tokens
  --scheduling-policy fcfs|priority
  --reasoning-parser qwen3|deepseek_r1
                                   emit thinking text as \`reasoning\` before the answer
  --enable-suffix                  accept \`suffix\` on /v1/completions (builds the FIM prompt)

Engine and timing:
  --profile NAME|FILE              latency profile (scenarios/profiles/*.yaml; \`instant\` = zero time)
  --max-num-seqs N                 running-batch cap (default from the GPU, as vLLM)
  --max-num-batched-tokens N       per-step token budget (default from the GPU, as vLLM)
  --block-size N                   KV cache block size (16)
  --num-gpu-blocks-override N      KV cache size in blocks
  --gpu-memory-utilization F       fraction of GPU memory for weights + KV cache (0.9)
  --no-enable-prefix-caching       disable prefix caching
  --max-waiting N                  bound the waiting queue; beyond it requests get 429
  --speedup X|inf                  simulated time runs X times faster than wall time (inf: virtual time)
  --trace FILE                     write one JSON line per finished request (simulated timeline)

LoRA:
  --lora-modules NAME=PATH...      serve LoRA adapters on the (first) model (listed in /v1/models with \`parent\`)
  --max-loras N                    distinct adapters per running batch

Fleets:
  --replicas N                     N independent replicas on consecutive ports (own engines, metrics, faults)

HTTP:
  --allowed-origins JSON           CORS origins (default ["*"]); also --allowed-methods, --allowed-headers
  --allow-credentials              CORS credentials
  -h, --help                       show this help
`;
