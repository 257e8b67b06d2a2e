/** @module `llmsim bench` flags: `vllm bench serve`'s names, defaults and meanings where it has them, parsed with node:util. */
import { parseArgs } from 'node:util';

export type DatasetName = 'random' | 'sharegpt-synthetic' | 'prefix-repetition';

export interface BenchOptions {
  readonly baseUrl: string | null;
  readonly endpoint: string;
  /** `--model`; null: the first model the server lists. */
  readonly model: string | null;
  readonly datasetName: DatasetName;
  readonly numPrompts: number;
  readonly randomInputLen: number;
  readonly randomOutputLen: number;
  readonly randomRangeRatio: number;
  readonly randomPrefixLen: number;
  readonly prefixRepetitionPrefixLen: number;
  readonly prefixRepetitionSuffixLen: number;
  readonly prefixRepetitionNumPrefixes: number;
  readonly prefixRepetitionOutputLen: number;
  /** Requests per second (Infinity: all at once). */
  readonly requestRate: number;
  /** Gamma shape of the inter-arrival times (1: Poisson). */
  readonly burstiness: number;
  readonly maxConcurrency: number | null;
  readonly seed: number;
  readonly ignoreEos: boolean;
  readonly requestIdPrefix: string;
  readonly percentiles: readonly number[];
  readonly saveResult: boolean;
  readonly resultDir: string | null;
  readonly resultFilename: string | null;
  /** HTML report path (llmsim only; vLLM has none). */
  readonly htmlReport: string | null;
  /** llmsim's `--trace` file, for the ground-truth join (llmsim only). */
  readonly traceFile: string | null;
  /** The llmsim behind a proxy, for engine state over time (default: `--base-url`). */
  readonly llmsimUrl: string | null;
  /** Run in-process on the virtual clock, no HTTP (llmsim only). */
  readonly simulate: boolean;
  /** Latency profile for `--simulate`. */
  readonly profile: string;
  readonly disableTqdm: boolean;
  /** Drive an llmsim in virtual time: a clock hold and stated arrivals, so the workload replays exactly. */
  readonly virtualTime: boolean;
  /** The target's `--speedup` (simulated seconds per wall second), for the ground-truth join. */
  readonly llmsimSpeedup: number;
}

const OPTIONS = {
  'base-url': { type: 'string' },
  host: { type: 'string', default: '127.0.0.1' },
  port: { type: 'string', default: '8000' },
  endpoint: { type: 'string', default: '/v1/completions' },
  model: { type: 'string' },
  'dataset-name': { type: 'string', default: 'random' },
  'num-prompts': { type: 'string', default: '1000' },
  'random-input-len': { type: 'string', default: '1024' },
  'random-output-len': { type: 'string', default: '128' },
  'random-range-ratio': { type: 'string', default: '0' },
  'random-prefix-len': { type: 'string', default: '0' },
  'prefix-repetition-prefix-len': { type: 'string', default: '256' },
  'prefix-repetition-suffix-len': { type: 'string', default: '256' },
  'prefix-repetition-num-prefixes': { type: 'string', default: '10' },
  'prefix-repetition-output-len': { type: 'string', default: '128' },
  'request-rate': { type: 'string', default: 'inf' },
  burstiness: { type: 'string', default: '1' },
  'max-concurrency': { type: 'string' },
  seed: { type: 'string', default: '0' },
  'ignore-eos': { type: 'boolean', default: false },
  'request-id-prefix': { type: 'string', default: 'bench-' },
  'metric-percentiles': { type: 'string', default: '99' },
  'save-result': { type: 'boolean', default: false },
  'result-dir': { type: 'string' },
  'result-filename': { type: 'string' },
  'html-report': { type: 'string' },
  'trace-file': { type: 'string' },
  'llmsim-url': { type: 'string' },
  simulate: { type: 'boolean', default: false },
  profile: { type: 'string', default: 'llama-3.1-8b-instruct-h100' },
  'disable-tqdm': { type: 'boolean', default: false },
  'virtual-time': { type: 'boolean', default: false },
  'llmsim-speedup': { type: 'string', default: '1' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const BENCH_HELP = `Usage: llmsim bench [options]

A load generator with \`vllm bench serve\`'s flags, metrics and result JSON; against llmsim it also joins every
observation with llmsim's trace (--trace-file) and reports what sat in between.

  --base-url URL                 target (default http://HOST:PORT)
  --endpoint PATH                /v1/completions (default) or /v1/chat/completions (streaming, as vLLM's client)
  --model NAME                   default: the first model of GET /v1/models
  --dataset-name NAME            random (default) | sharegpt-synthetic | prefix-repetition
  --num-prompts N                1000
  --random-input-len N           1024      --random-output-len N   128
  --random-range-ratio R         0 (lengths uniform in [L(1-R), L(1+R)])   --random-prefix-len N  0
  --prefix-repetition-prefix-len N 256  --prefix-repetition-suffix-len N 256
  --prefix-repetition-num-prefixes N 10 --prefix-repetition-output-len N 128
  --request-rate R               requests/s, inf (default) sends all at once
  --burstiness B                 gamma shape of inter-arrivals (1 = Poisson)
  --max-concurrency N            at most N requests in flight
  --seed N                       0
  --ignore-eos                   generate exactly the requested output lengths
  --metric-percentiles LIST      99 (comma-separated)
  --save-result [--result-dir D] [--result-filename F]   write vLLM's result JSON
  --html-report FILE             self-contained HTML report with plots
  --trace-file FILE              llmsim's --trace file: ground-truth join by request id
  --llmsim-url URL               the llmsim behind a proxy (engine state over time; default --base-url)
  --simulate                     run the workload in-process on the virtual clock (no HTTP)
  --profile NAME                 latency profile for --simulate (llama-3.1-8b-instruct-h100)
  --virtual-time                 the target is llmsim --speedup inf: hold its clock, state arrivals (exact replay)
  --llmsim-speedup S             the target llmsim's --speedup, to compare its trace with wall time (1)
  --disable-tqdm                 no progress bar
`;

export class BenchUsageError extends Error {}

export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (err) {
    throw new BenchUsageError((err as Error).message);
  }
  if (values['help']) return 'help';
  const str = (k: string): string => values[k] as string;
  const int = (k: string, min = 0): number => {
    const n = Number(str(k));
    if (!Number.isInteger(n) || n < min) throw new BenchUsageError(`--${k} must be an integer >= ${min}, got '${str(k)}'`);
    return n;
  };
  const num = (k: string, ok: (n: number) => boolean, what: string): number => {
    const text = str(k);
    const n = text === 'inf' ? Infinity : Number(text);
    if (Number.isNaN(n) || !ok(n)) throw new BenchUsageError(`--${k} must be ${what}, got '${text}'`);
    return n;
  };
  const dataset = str('dataset-name');
  if (dataset !== 'random' && dataset !== 'sharegpt-synthetic' && dataset !== 'prefix-repetition') {
    throw new BenchUsageError(`--dataset-name must be random, sharegpt-synthetic or prefix-repetition, got '${dataset}'`);
  }
  const endpoint = str('endpoint');
  if (endpoint !== '/v1/completions' && endpoint !== '/v1/chat/completions')
    throw new BenchUsageError(`--endpoint must be /v1/completions or /v1/chat/completions, got '${endpoint}'`);
  const percentiles = str('metric-percentiles')
    .split(',')
    .map((p) => Number(p.trim()));
  if (percentiles.some((p) => !(p >= 0 && p <= 100)))
    throw new BenchUsageError(`--metric-percentiles must be numbers in [0, 100], got '${str('metric-percentiles')}'`);
  return {
    baseUrl: (values['base-url'] as string | undefined) ?? (values['simulate'] ? null : `http://${str('host')}:${int('port', 1)}`),
    endpoint,
    model: (values['model'] as string | undefined) ?? null,
    datasetName: dataset,
    numPrompts: int('num-prompts', 1),
    randomInputLen: int('random-input-len', 1),
    randomOutputLen: int('random-output-len', 1),
    randomRangeRatio: num('random-range-ratio', (n) => n >= 0 && n < 1, 'in [0, 1)'),
    randomPrefixLen: int('random-prefix-len'),
    prefixRepetitionPrefixLen: int('prefix-repetition-prefix-len'),
    prefixRepetitionSuffixLen: int('prefix-repetition-suffix-len', 1),
    prefixRepetitionNumPrefixes: int('prefix-repetition-num-prefixes', 1),
    prefixRepetitionOutputLen: int('prefix-repetition-output-len', 1),
    requestRate: num('request-rate', (n) => n > 0, "a positive number or 'inf'"),
    burstiness: num('burstiness', (n) => n > 0, 'a positive number'),
    maxConcurrency: values['max-concurrency'] === undefined ? null : int('max-concurrency', 1),
    seed: int('seed'),
    ignoreEos: values['ignore-eos'] as boolean,
    requestIdPrefix: str('request-id-prefix'),
    percentiles,
    saveResult: values['save-result'] as boolean,
    resultDir: (values['result-dir'] as string | undefined) ?? null,
    resultFilename: (values['result-filename'] as string | undefined) ?? null,
    htmlReport: (values['html-report'] as string | undefined) ?? null,
    traceFile: (values['trace-file'] as string | undefined) ?? null,
    llmsimUrl: (values['llmsim-url'] as string | undefined) ?? null,
    simulate: values['simulate'] as boolean,
    profile: str('profile'),
    disableTqdm: values['disable-tqdm'] as boolean,
    virtualTime: values['virtual-time'] as boolean,
    llmsimSpeedup: num('llmsim-speedup', (n) => n > 0 && n < Infinity, 'a positive number'),
  };
}
