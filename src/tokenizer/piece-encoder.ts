/**
 * @module A fast encoder for SentencePiece-style BPE vocabularies in tokenizer.json form (Gemma 2/3), giving exactly
 * the ids of the reference encoder (@lenml/tokenizers, itself matching Hugging Face). Such a file replaces spaces by
 * "▁" and does not split the text at all: each stretch between added tokens is one word of thousands of characters,
 * which the reference merges with a heap every time (17 µs a token, 11× Hugging Face's Rust `tokenizers`).
 *
 * Here the stretch is cut where no merge can cross: before a "▁" that follows another character. A merge across such
 * a place joins a symbol ending in a non-"▁" character with one starting with "▁"; the merge list has very few of those
 * (Gemma 3: one, `>` + `▁</`), so the cut is skipped exactly where one of them could apply. Merges never cross a cut,
 * so each piece merges on its own with the same result as the whole stretch, and the pieces are words of a few
 * characters that the word cache and the whole-vocabulary lookup answer (word-encoder.ts). Pure and deterministic.
 */
import { buildMergeTable, LONG_WORD, mergeSymbolIds, type MergeTable } from './byte-level-bpe.ts';
import { mergeLong } from './bpe-long.ts';
import { createAddedTokenSplitter, type AddedTokenSplitter } from './added-tokens.ts';
import { TextIdTable } from './text-table.ts';
import { WordEncoder } from './word-encoder.ts';
import { readPieceSpec, SPACE_SYMBOL } from './piece-encoder-spec.ts';
import type { FastEncoder, FastEncoderInput } from './fast-encoder.ts';

/** Past this many merges that cross a cut, checking them at every cut costs more than it saves: no cuts. */
const MAX_CROSSINGS = 64;
const SPACE = SPACE_SYMBOL.charCodeAt(0);

export function createPieceEncoder({ json, config, vocab, cacheCapacity }: FastEncoderInput): FastEncoder | null {
  const spec = readPieceSpec(json, config);
  if (!spec) return null;
  // Hugging Face turns an unknown character into byte tokens before merging, the reference after: the same ids only
  // while no merge involves a byte token.
  if (spec.merges.some(([a, b]) => isByteToken(a) || isByteToken(b))) return null;
  const table = buildMergeTable(vocab, spec.merges, 'chars');
  if (!table) return null;
  const byteTokens = new Int32Array(256);
  for (let b = 0; b < 256; b++) {
    const id = vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
    if (id === undefined) return null;
    byteTokens[b] = id;
  }
  const bmp = new Int32Array(65536).fill(-1);
  const astral = new Map<number, number>();
  for (const [key, id] of vocab) {
    const cp = key.codePointAt(0)!;
    if (key.length === 1 && (cp < 0xd800 || cp > 0xdfff)) bmp[cp] = id;
    else if (key.length === 2 && cp > 0xffff) astral.set(cp, id);
  }
  const prefix = spec.prefix.map((t) => vocab.get(t));
  const suffix = spec.suffix.map((t) => vocab.get(t));
  if (prefix.includes(undefined) || suffix.includes(undefined)) return null;
  const added = new Map<string, number>();
  for (const content of spec.addedTokens) added.set(content, vocab.get(content)!);
  const crossings = spec.merges.filter(([a, b]) => !a.endsWith(SPACE_SYMBOL) && b.startsWith(SPACE_SYMBOL));
  return new PieceEncoder({
    table,
    splitter: createAddedTokenSplitter(added),
    symbols: { bmp, astral, byteTokens },
    crossings: crossings.length <= MAX_CROSSINGS ? crossings : null,
    whole: new TextIdTable(vocab),
    ignoreMerges: spec.ignoreMerges,
    prefix: prefix as number[],
    suffix: suffix as number[],
    cacheCapacity,
  });
}

/** A vocabulary's characters: one id per character it spells as one token, byte tokens for the rest. */
interface CharSymbols {
  /** Id by BMP code unit (-1: not a token; surrogates always -1). */
  readonly bmp: Int32Array;
  /** Id by code point above U+FFFF. */
  readonly astral: ReadonlyMap<number, number>;
  /** Id of `<0xXX>` by byte. */
  readonly byteTokens: Int32Array;
}

interface PieceEncoderParts {
  readonly table: MergeTable;
  readonly splitter: AddedTokenSplitter;
  readonly symbols: CharSymbols;
  /** Merges that join a non-"▁" end to a "▁" start (see the module comment); null: never cut. */
  readonly crossings: readonly (readonly [string, string])[] | null;
  readonly whole: TextIdTable;
  readonly ignoreMerges: boolean;
  readonly prefix: readonly number[];
  readonly suffix: readonly number[];
  readonly cacheCapacity: number | undefined;
}

class PieceEncoder implements FastEncoder {
  private symbols = new Int32Array(256);
  private ranks = new Int32Array(256);
  private readonly words: WordEncoder;

  constructor(private readonly parts: PieceEncoderParts) {
    const { bmp } = parts.symbols;
    this.words = new WordEncoder({
      whole: parts.whole,
      vocabSize: parts.table.vocabSize,
      ignoreMerges: parts.ignoreMerges,
      // A one-character word is that character's token when it has one (a surrogate never does).
      single: (c) => bmp[c]!,
      merge: (text, from, to, out) => this.merge(text, from, to, out),
      cacheCapacity: parts.cacheCapacity,
    });
  }

  encode(text: string, addSpecialTokens: boolean): number[] {
    const { splitter, prefix, suffix } = this.parts;
    const out: number[] = addSpecialTokens ? [...prefix] : [];
    splitter.split(
      text,
      (from, to) => this.encodeSection(text.slice(from, to).replaceAll(' ', SPACE_SYMBOL), out),
      (id) => out.push(id),
    );
    if (addSpecialTokens) for (const id of suffix) out.push(id);
    return out;
  }

  private encodeSection(text: string, out: number[]): void {
    const words = this.words;
    const crossings = this.parts.crossings;
    let start = 0;
    if (crossings) {
      for (let i = 1; i < text.length; i++) {
        if (text.charCodeAt(i) !== SPACE || text.charCodeAt(i - 1) === SPACE || crossesAt(crossings, text, i)) continue;
        words.encodeWord(text, start, i, out);
        start = i;
      }
    }
    if (start < text.length) words.encodeWord(text, start, text.length, out);
  }

  private merge(text: string, from: number, to: number, out: number[]): void {
    const n = this.toCharSymbols(text, from, to);
    if (n > LONG_WORD) mergeLong(this.parts.table, this.symbols, n, out);
    else mergeSymbolIds(this.parts.table, this.symbols, this.ranks, n, out);
  }

  /** Writes the word's symbols: each character's token, or its UTF-8 bytes' tokens (a lone surrogate is U+FFFD). */
  private toCharSymbols(text: string, from: number, to: number): number {
    if (this.symbols.length < (to - from) * 4) {
      this.symbols = new Int32Array((to - from) * 4);
      this.ranks = new Int32Array((to - from) * 4);
    }
    const { bmp, astral, byteTokens } = this.parts.symbols;
    const s = this.symbols;
    let n = 0;
    for (let i = from; i < to; i++) {
      let c = text.charCodeAt(i);
      let id = bmp[c]!;
      if (id >= 0) {
        s[n++] = id;
        continue;
      }
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          id = astral.get(c) ?? -1;
          if (id >= 0) {
            s[n++] = id;
            continue;
          }
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      if (c < 0x80) s[n++] = byteTokens[c]!;
      else if (c < 0x800) {
        s[n++] = byteTokens[0xc0 | (c >> 6)]!;
        s[n++] = byteTokens[0x80 | (c & 0x3f)]!;
      } else if (c < 0x10000) {
        s[n++] = byteTokens[0xe0 | (c >> 12)]!;
        s[n++] = byteTokens[0x80 | ((c >> 6) & 0x3f)]!;
        s[n++] = byteTokens[0x80 | (c & 0x3f)]!;
      } else {
        s[n++] = byteTokens[0xf0 | (c >> 18)]!;
        s[n++] = byteTokens[0x80 | ((c >> 12) & 0x3f)]!;
        s[n++] = byteTokens[0x80 | ((c >> 6) & 0x3f)]!;
        s[n++] = byteTokens[0x80 | (c & 0x3f)]!;
      }
    }
    return n;
  }
}

/** Whether some crossing merge (a, b) could join text[..i) and text[i..): the text ends with a there and goes on with b. */
function crossesAt(crossings: readonly (readonly [string, string])[], text: string, i: number): boolean {
  for (const [a, b] of crossings) if (text.startsWith(b, i) && text.endsWith(a, i)) return true;
  return false;
}

function isByteToken(s: string): boolean {
  return /^<0x[0-9A-F]{2}>$/.test(s);
}
