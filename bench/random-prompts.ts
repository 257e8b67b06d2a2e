/**
 * @module Prompts as `vllm bench serve --dataset-name random` makes them: seeded random token ids (no special tokens)
 * decoded with the model's tokenizer, so every prompt is new text of about the asked length in tokens. Written to a
 * file too, so bench/hf_tokenizers.py can encode exactly the same texts.
 */
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { loadTokenizer, defaultTokenizerDir } from '../src/tokenizer/tokenizer.ts';

export function randomPrompts(count: number, tokens: number, seed = 1): string[] {
  const tokenizer = loadTokenizer(defaultTokenizerDir());
  const rng = seedrandom(`random-prompts-${seed}-${tokens}`);
  const out: string[] = [];
  const ids: number[] = new Array(tokens);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < tokens; j++) {
      let id: number;
      do id = Math.floor(rng() * tokenizer.vocabSize);
      while (tokenizer.isSpecial(id));
      ids[j] = id;
    }
    out.push(tokenizer.decode(ids));
  }
  return out;
}

/** One JSON array of strings per file (what hf_tokenizers.py reads). */
export function writePrompts(path: string, prompts: readonly string[]): void {
  writeFileSync(path, JSON.stringify(prompts));
}

/**
 * randomPrompts, kept in the temp folder between runs: decoding is slow (~14 ms per 1k-token prompt on the 2-core
 * VM) and the prompts are a pure function of (tokens, seed) whose first n are the same whatever the count, so a
 * longer list already written serves a shorter request.
 */
export function cachedRandomPrompts(count: number, tokens: number, seed: number): string[] {
  const path = join(tmpdir(), `llmsim-random-prompts-${tokens}-${seed}.json`);
  const kept = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as string[]) : [];
  if (kept.length >= count) return kept.slice(0, count);
  const prompts = randomPrompts(count, tokens, seed);
  writePrompts(path, prompts);
  return prompts;
}
