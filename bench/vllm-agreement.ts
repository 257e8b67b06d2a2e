/**
 * `llmsim bench` vs vLLM's benchmark definitions, on one workload against one llmsim (real time, 8B H100 profile):
 * 1. the statistics of llmsim bench's own result JSON recomputed by numpy with vLLM's formulas (metric code agreement,
 *    exact up to float rounding);
 * 2. a Python aiohttp client with vLLM's timing rules (bench/vllm_reference_client.py) run on the same workload
 *    (client agreement: both measure wall time, so they differ by run-to-run noise).
 * vLLM itself is not installable here (no `vllm` on the local pip index); `aiohttp` and `numpy` are.
 * Run: node --import tsx bench/vllm-agreement.ts [N]   (prints a markdown table; CPU shared, numbers are noisy)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '../src/cli/start.ts';
import { TEST_DEFAULTS } from '../tests/helpers/server.ts';
import { parseBenchArgs, type BenchOptions } from '../src/loadgen/options.ts';
import { runBench } from '../src/loadgen/command.ts';
import { sampleRequests, arrivalOffsets } from '../src/loadgen/dataset.ts';

const n = Number(process.argv[2] ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'llmsim-agree-'));
const sim = await startSimulator({ ...TEST_DEFAULTS, speedup: 1, profile: 'llama-3.1-8b-instruct-h100' });
const args = ['--base-url', sim.url, '--num-prompts', String(n), '--random-input-len', '512', '--random-output-len', '64', '--random-range-ratio', '0.25', '--ignore-eos', '--request-rate', '20', '--seed', '1', '--disable-tqdm', '--save-result', '--result-dir', dir, '--result-filename', 'ts.json'];
const o = parseBenchArgs(args) as BenchOptions;
await runBench(o);
const samples = sampleRequests(o);
const offsets = arrivalOffsets(samples.length, o.requestRate, o.burstiness, o.seed);
writeFileSync(join(dir, 'workload.json'), JSON.stringify({ endpoint: o.endpoint, model: sim.modelNames[0], ignore_eos: true, max_concurrency: null, offsets, requests: samples.map((s) => ({ id: `py-${s.requestId}`, prompt_ids: s.promptIds, output_len: s.outputLen })) }));
const script = new URL('./vllm_reference_client.py', import.meta.url).pathname;
execFileSync('python3', [script, 'run', join(dir, 'workload.json'), sim.url, join(dir, 'py.json')], { stdio: 'inherit' });
const ts = JSON.parse(readFileSync(join(dir, 'ts.json'), 'utf8')) as Record<string, number>;
const recomputed = JSON.parse(execFileSync('python3', [script, 'stats', join(dir, 'ts.json')], { encoding: 'utf8' })) as Record<string, number>;
const py = JSON.parse(readFileSync(join(dir, 'py.json'), 'utf8')) as Record<string, number>;
await sim.close();
const keys = ['mean_ttft_ms', 'median_ttft_ms', 'p99_ttft_ms', 'mean_tpot_ms', 'median_tpot_ms', 'p99_tpot_ms', 'mean_itl_ms', 'median_itl_ms', 'p99_itl_ms', 'mean_e2el_ms', 'median_e2el_ms', 'p99_e2el_ms', 'output_throughput', 'request_throughput'];
process.stdout.write(`${n} requests, random 512±25 % in / 64±25 % out, 20 req/s Poisson, llmsim real time, 8B H100 profile\n\n`);
process.stdout.write('| metric | llmsim bench | numpy, vLLM formulas, on llmsim bench\'s raw data | rel. diff | Python aiohttp client, vLLM timing rules | rel. diff |\n|---|---|---|---|---|---|\n');
const rel = (a: number, b: number): string => `${((Math.abs(a - b) / Math.max(Math.abs(b), 1e-12)) * 100).toFixed(b === 0 ? 0 : 4)} %`;
for (const k of keys) process.stdout.write(`| ${k} | ${(ts[k] as number).toFixed(3)} | ${(recomputed[k] as number).toFixed(3)} | ${rel(ts[k] as number, recomputed[k] as number)} | ${(py[k] as number).toFixed(3)} | ${rel(ts[k] as number, py[k] as number)} |\n`);
