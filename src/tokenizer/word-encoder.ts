/**
 * @module The word half of a BPE encoder, whatever its alphabet: a pre-tokenized word is looked up as a whole
 * vocabulary entry (most words of real and of random-token text are one token), then in a bounded word cache, and only
 * then merged by the alphabet's own merge function (bytes: fast-encoder.ts; characters: piece-encoder.ts). Words are
 * addressed as text[from, to), so no substring is made for a hit.
 */
import { hashRange, RangeWordCache, type TextIdTable } from './text-table.ts';

/** Appends the merged ids of text[from, to) to `out`. */
export type MergeWord = (text: string, from: number, to: number, out: number[]) => void;

/** Words longer than this (UTF-16 units) are merged every time: they rarely repeat and would crowd the cache. */
const MAX_CACHED_WORD = 64;

export interface WordEncoderOptions {
  /** Raw text → id of every vocabulary entry. */
  readonly whole: TextIdTable;
  readonly vocabSize: number;
  /** `ignore_merges`: a word that is itself a vocabulary entry is that one token, whatever the merges say. */
  readonly ignoreMerges: boolean;
  /** Id of a one-unit word with this code unit, when it is always that single token; -1 otherwise. */
  readonly single: (code: number) => number;
  readonly merge: MergeWord;
  /** Words kept per cache generation (tests use a tiny one to exercise eviction). */
  readonly cacheCapacity?: number | undefined;
}

export class WordEncoder {
  private readonly cache: RangeWordCache;
  /**
   * Without `ignore_merges` a word spelled like a vocabulary entry is that entry only if merging it ends there
   * (almost always; not guaranteed by BPE). Per id: 0 not checked yet, 1 it does, 2 it does not. This lookup (one
   * probe, no growth) answers most misses of the word cache, which then holds only words of several tokens.
   */
  private readonly selfMerging: Int8Array | null;
  private readonly whole: TextIdTable;
  private readonly single: (code: number) => number;
  private readonly merge: MergeWord;
  /** Where encodeScanned's look-ahead reads go (kept so the compiler cannot drop them). */
  private sink = 0;

  constructor({ whole, vocabSize, ignoreMerges, single, merge, cacheCapacity }: WordEncoderOptions) {
    this.cache = new RangeWordCache(cacheCapacity ?? 1 << 15, MAX_CACHED_WORD);
    this.selfMerging = ignoreMerges ? null : new Int8Array(vocabSize);
    this.whole = whole;
    this.single = single;
    this.merge = merge;
  }

  /** Appends the ids of the word text[from, to). */
  encodeWord(text: string, from: number, to: number, out: number[]): void {
    if (to - from === 1) {
      const id = this.single(text.charCodeAt(from));
      if (id >= 0) {
        out.push(id);
        return;
      }
    }
    this.encodeHashed(text, from, to, hashRange(text, from, to), out);
  }

  /**
   * Appends the ids of every word of text[from, to) that `scan` cuts (a piece scanner: its pieces tile the text).
   * One word ahead, its vocabulary slot is read before the current word is encoded: on text whose words are new, the
   * vocabulary table (megabytes) is out of the CPU's caches, and that read then overlaps with the current word's work
   * instead of stalling the next one. Same ids as encodeWord per word.
   */
  encodeScanned(text: string, from: number, to: number, scan: (text: string, at: number) => number, out: number[]): void {
    const whole = this.whole;
    let at = from;
    let end = at < to ? scan(text, at) : to;
    let h = hashRange(text, at, end);
    let sink = 0;
    while (at < to) {
      const nextEnd = end < to ? scan(text, end) : to;
      const nextHash = hashRange(text, end, nextEnd);
      if (nextEnd - end > 1) sink ^= whole.touch(nextHash);
      if (end - at === 1) {
        const id = this.single(text.charCodeAt(at));
        if (id >= 0) out.push(id);
        else this.encodeHashed(text, at, end, h, out);
      } else this.encodeHashed(text, at, end, h, out);
      at = end;
      end = nextEnd;
      h = nextHash;
    }
    this.sink ^= sink;
  }

  private encodeHashed(text: string, from: number, to: number, h: number, out: number[]): void {
    const wholeId = this.whole.get(text, from, to, h);
    if (wholeId >= 0) {
      const state = this.selfMerging ? this.selfMerging[wholeId] : 1;
      if (state === 1) {
        out.push(wholeId);
        return;
      }
      if (state === 0) {
        const start = out.length;
        this.merge(text, from, to, out);
        const self = out.length === start + 1 && out[start] === wholeId;
        this.selfMerging![wholeId] = self ? 1 : 2;
        if (!self) this.cache.set(text, from, to, h, out, start, out.length);
        return;
      }
    }
    if (this.cache.get(text, from, to, h, out)) return;
    const start = out.length;
    this.merge(text, from, to, out);
    this.cache.set(text, from, to, h, out, start, out.length);
  }
}
