/**
 * @module Unique prompts, as `vllm bench serve --dataset-name random` sends them (a new ~1k- or ~8k-token prompt in every
 * non-streamed chat request, 16 output tokens), plus the repeated body, each against the bare node:http baseline in the
 * same run: server CPU per request (/proc of the server) and req/s. Then HF's Rust `tokenizers` (bench/hf_tokenizers.py)
 * encodes the same prompt texts with the same tokenizer.json, for the per-token comparison.
 *
 *   taskset -c 1 node --import tsx bench/unique-prompts.ts
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { llmsim, baseline, type Child } from './processes.ts';
import { autocannonLoad, chatBody } from './nonstream.ts';
import { bodyCycle } from './http-load.ts';
import { randomPrompts, writePrompts } from './random-prompts.ts';
import { loadTokenizer, defaultTokenizerDir } from '../src/tokenizer/tokenizer.ts';

interface Row {
  readonly rps: number;
  readonly cpuMsPerRequest: number;
}

async function run(child: Child, bodies: readonly string[] | null, amount: number): Promise<Row> {
  const r = await autocannonLoad(child, { connections: 16, bodies: bodies ? bodyCycle(bodies) : null, amount });
  if (r.errors > 0) throw new Error(`${r.errors} failed or non-2xx answers`);
  return { rps: r.rate, cpuMsPerRequest: r.cpuUs / 1e3 };
}

const tokenizer = loadTokenizer(defaultTokenizerDir());
const cases = [
  { label: 'unique 1k-token prompts', tokens: 1000, count: 2200, amount: 2000 },
  { label: 'unique 8k-token prompts', tokens: 8000, count: 330, amount: 300 },
];
const rows: string[][] = [];
const files: string[] = [];
const promptTokens: number[] = [];
for (const c of cases) {
  const prompts = randomPrompts(c.count, c.tokens);
  const file = `/tmp/llmsim-bench-prompts-${c.tokens}.json`;
  writePrompts(file, prompts);
  files.push(file);
  promptTokens.push(prompts.slice(0, 50).reduce((n, p) => n + tokenizer.encode(p).length, 0) / 50);
  const bodies = prompts.map((p) => chatBody(p));
  const b = await baseline(9110, 20);
  const base = await run(b, bodies, c.amount);
  await b.stop();
  const s = await llmsim(9111, ['--profile', 'instant']);
  const sim = await run(s, bodies, c.amount);
  await s.stop();
  rows.push(
    [c.label, 'node:http baseline', base.rps.toFixed(0), base.cpuMsPerRequest.toFixed(3)],
    [c.label, 'llmsim (instant profile)', sim.rps.toFixed(0), sim.cpuMsPerRequest.toFixed(3)],
  );
}
{
  const b = await baseline(9110, 20);
  const base = await run(b, null, 20000);
  await b.stop();
  const s = await llmsim(9111, ['--profile', 'instant']);
  const sim = await run(s, null, 20000);
  await s.stop();
  rows.push(
    ['repeated small body', 'node:http baseline', base.rps.toFixed(0), base.cpuMsPerRequest.toFixed(3)],
    ['repeated small body', 'llmsim (instant profile)', sim.rps.toFixed(0), sim.cpuMsPerRequest.toFixed(3)],
  );
}
process.stdout.write(
  `\nNon-streamed chat, 16 connections, 16 output tokens (prompt tokens per request: ${promptTokens.map((t) => t.toFixed(0)).join(', ')})\n| workload | server | req/s | server CPU ms/request |\n| --- | --- | --- | --- |\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`,
);

const tokJson = join(defaultTokenizerDir(), 'tokenizer.json');
const hf = execFileSync('python3', ['bench/hf_tokenizers.py', tokJson, ...files], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { file: string; us_per_token: number });
const sim1k = Number(rows[1]![3]);
const sim8k = Number(rows[3]![3]);
const marginalUs = ((sim8k - sim1k) * 1000) / ((promptTokens[1] ?? 8000) - (promptTokens[0] ?? 1000));
process.stdout.write(`HF tokenizers (Python, Rust core) on the same texts: ${hf.map((h) => `${h.file} ${h.us_per_token} µs/token`).join(', ')}\n`);
process.stdout.write(
  `llmsim marginal server CPU per prompt token (8k row - 1k row): ${marginalUs.toFixed(2)} µs = ${(marginalUs / (hf[1]?.us_per_token ?? 1)).toFixed(2)}x HF (target <= 0.7x)\n`,
);
