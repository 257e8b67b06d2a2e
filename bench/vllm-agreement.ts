/**
 * `llmsim bench` vs vLLM's benchmark definitions, on one workload against one llmsim server (its own process, real
 * time, 8B H100 profile, prefix caching off so the second run is not served from the first one's cache):
 * 1. the statistics of llmsim bench's result JSON recomputed by numpy with vLLM's formulas (metric-code agreement);
 * 2. a Python aiohttp client with vLLM's timing rules (bench/vllm_reference_client.py) run on the same workload right
 *    after (client agreement: both measure wall time, so they differ by run-to-run noise of a shared machine).
 * vLLM itself is not installable here (no `vllm` on the local pip index); `aiohttp` and `numpy` are.
 * Run: node --import tsx bench/vllm-agreement.ts [N]   (prints a markdown table)
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseBenchArgs, type BenchOptions } from '../src/loadgen/options.ts';
import { sampleRequests, arrivalOffsets } from '../src/loadgen/dataset.ts';

const run = promisify(execFile);
const n = Number(process.argv[2] ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'llmsim-agree-'));
const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const cli = new URL('../bin/llmsim.js', import.meta.url).pathname;
const server = spawn(
  'node',
  [cli, 'serve', '--port', String(port), '--profile', 'llama-3.1-8b-instruct-h100', '--no-enable-prefix-caching', '--trace', join(dir, 'trace.jsonl')],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
await new Promise<void>((ready) => server.stderr.on('data', (d: Buffer) => d.toString().includes('serving') && ready()));
const url = `http://127.0.0.1:${port}`;
const args = [
  '--base-url',
  url,
  '--num-prompts',
  String(n),
  '--random-input-len',
  '512',
  '--random-output-len',
  '64',
  '--random-range-ratio',
  '0.25',
  '--ignore-eos',
  '--request-rate',
  '20',
  '--seed',
  '1',
  '--disable-tqdm',
];
try {
  // Warm the server (JIT, caches) before either measured run, as vLLM's client sends a test prompt first.
  await run('node', [cli, 'bench', ...args.map((a) => (a === String(n) ? '20' : a)), '--request-id-prefix', 'warm-']);
  await run('node', [cli, 'bench', ...args, '--save-result', '--result-dir', dir, '--result-filename', 'ts.json']);
  const o = parseBenchArgs(args) as BenchOptions;
  const samples = sampleRequests(o);
  const offsets = arrivalOffsets(samples.length, o.requestRate, o.burstiness, o.seed);
  const model = ((await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] }).data[0]?.id;
  writeFileSync(
    join(dir, 'workload.json'),
    JSON.stringify({
      endpoint: o.endpoint,
      model,
      ignore_eos: true,
      max_concurrency: null,
      offsets,
      requests: samples.map((s) => ({ id: `py-${s.requestId}`, prompt_ids: s.promptIds, output_len: s.outputLen })),
    }),
  );
  const script = new URL('./vllm_reference_client.py', import.meta.url).pathname;
  await run('python3', [script, 'run', join(dir, 'workload.json'), url, join(dir, 'py.json')]);
  const ts = JSON.parse(readFileSync(join(dir, 'ts.json'), 'utf8')) as Record<string, number>;
  const recomputed = JSON.parse((await run('python3', [script, 'stats', join(dir, 'ts.json')])).stdout) as Record<string, number>;
  const py = JSON.parse(readFileSync(join(dir, 'py.json'), 'utf8')) as Record<string, number>;
  // The engine's own numbers (llmsim's trace) for each client's requests: what both clients should see plus the path.
  const lines = readFileSync(join(dir, 'trace.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { request_id: string; arrival: number; first_token: number; finished: number });
  for (const prefix of ['cmpl-bench-', 'cmpl-py-bench-']) {
    const mine = lines.filter((l) => l.request_id.startsWith(prefix));
    const mean = (f: (l: (typeof mine)[number]) => number): number => (mine.reduce((a, l) => a + f(l), 0) / mine.length) * 1000;
    process.stdout.write(
      `engine (trace) for ${prefix}*: ${mine.length} requests, mean TTFT ${mean((l) => l.first_token - l.arrival).toFixed(3)} ms, mean E2E ${mean((l) => l.finished - l.arrival).toFixed(3)} ms\n`,
    );
  }
  const keys = [
    'mean_ttft_ms',
    'median_ttft_ms',
    'p99_ttft_ms',
    'mean_tpot_ms',
    'median_tpot_ms',
    'p99_tpot_ms',
    'mean_itl_ms',
    'median_itl_ms',
    'p99_itl_ms',
    'mean_e2el_ms',
    'median_e2el_ms',
    'p99_e2el_ms',
    'output_throughput',
    'request_throughput',
  ];
  process.stdout.write(`${n} requests, random 512±25 % in / 64±25 % out, 20 req/s Poisson, llmsim real time (own process), 8B H100 profile\n\n`);
  process.stdout.write(
    "| metric | llmsim bench | numpy + vLLM formulas on llmsim bench's raw data | diff | Python aiohttp client, vLLM rules | diff |\n|---|---|---|---|---|---|\n",
  );
  const rel = (a: number, b: number): string => `${((Math.abs(a - b) / Math.max(Math.abs(b), 1e-12)) * 100).toFixed(2)} %`;
  for (const k of keys)
    process.stdout.write(
      `| ${k} | ${(ts[k] as number).toFixed(3)} | ${(recomputed[k] as number).toFixed(3)} | ${rel(ts[k] as number, recomputed[k] as number)} | ${(py[k] as number).toFixed(3)} | ${rel(ts[k] as number, py[k] as number)} |\n`,
    );
} finally {
  server.kill('SIGTERM');
}
