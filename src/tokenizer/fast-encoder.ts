/**
 * @module A tiktoken-class encoder for byte-level BPE vocabularies (Qwen2/3, Llama 3, GPT-2 style), giving exactly the
 * ids of the reference encoder (@lenml/tokenizers, itself matching Hugging Face): added tokens split out first, each
 * stretch between them normalised, split by the pre-tokenizer's regex, and every word looked up in a bounded word
 * cache or merged by rank (byte-level-bpe.ts). `createFastEncoder` returns null for any tokenizer.json shape it does
 * not reproduce exactly (the caller keeps the reference). Pure and deterministic: safe in worker threads.
 */
import { buildMergeTable, byteToUnicode, LONG_WORD, mergeSymbols, type MergeTable } from './byte-level-bpe.ts';
import { mergeLong } from './bpe-long.ts';
import { createAddedTokenSplitter, type AddedTokenSplitter } from './added-tokens.ts';
import { TextIdTable } from './text-table.ts';
import { WordEncoder } from './word-encoder.ts';
import { readEncoderSpec } from './fast-encoder-spec.ts';
import type { PieceScanner } from './pre-tokenizer.ts';

export interface FastEncoder {
  encode(text: string, addSpecialTokens: boolean): number[];
}

export interface FastEncoderInput {
  /** tokenizer.json, parsed. */
  readonly json: Record<string, unknown>;
  /** tokenizer_config.json, parsed. */
  readonly config: Record<string, unknown>;
  /** Vocabulary string → id with the added tokens set over it, as the reference builds it. */
  readonly vocab: ReadonlyMap<string, number>;
  /** Words kept per cache generation (tests use a tiny one to exercise eviction). */
  readonly cacheCapacity?: number;
}

export function createFastEncoder({ json, config, vocab, cacheCapacity }: FastEncoderInput): FastEncoder | null {
  const spec = readEncoderSpec(json, config);
  if (!spec) return null;
  const table = buildMergeTable(vocab, spec.merges);
  if (!table) return null;
  const prefix = spec.prefix.map((t) => vocab.get(t));
  const suffix = spec.suffix.map((t) => vocab.get(t));
  if (prefix.includes(undefined) || suffix.includes(undefined)) return null;
  const added = new Map<string, number>();
  for (const content of spec.addedTokens) added.set(content, vocab.get(content)!);
  const splitter = createAddedTokenSplitter(added);
  const whole = new TextIdTable(wholeWordIds(vocab));
  return new ByteLevelEncoder(
    table,
    splitter,
    spec.pattern,
    spec.scanner,
    spec.keepGaps,
    spec.normalization,
    whole,
    spec.ignoreMerges,
    prefix as number[],
    suffix as number[],
    cacheCapacity,
  );
}

class ByteLevelEncoder implements FastEncoder {
  private symbols = new Int32Array(256);
  private ranks = new Int32Array(256);
  /** The word's UTF-8 bytes (the merge loop's first round looks byte pairs up directly). */
  private bytes = new Uint8Array(256);
  private readonly words: WordEncoder;

  constructor(
    private readonly table: MergeTable,
    private readonly splitter: AddedTokenSplitter,
    private readonly pattern: RegExp,
    /** The pattern's pieces without the regex (pre-tokenizer.ts), when it is one of the patterns that module knows. */
    private readonly scanner: PieceScanner | null,
    private readonly keepGaps: boolean,
    private readonly normalization: string | null,
    /** Raw text → id of every vocabulary entry (see wholeWordIds). */
    whole: TextIdTable,
    ignoreMerges: boolean,
    private readonly prefix: readonly number[],
    private readonly suffix: readonly number[],
    cacheCapacity?: number,
  ) {
    const byteIds = table.byteIds;
    this.words = new WordEncoder({
      whole,
      vocabSize: table.vocabSize,
      ignoreMerges,
      // A one-byte word is its byte's symbol: nothing to merge.
      single: (c) => (c < 0x80 ? byteIds[c]! : -1),
      merge: (text, from, to, out) => this.merge(text, from, to, out),
      cacheCapacity,
    });
  }

  encode(text: string, addSpecialTokens: boolean): number[] {
    const out: number[] = addSpecialTokens ? [...this.prefix] : [];
    this.splitter.split(
      text,
      (from, to) => this.encodeSection(text.slice(from, to), out),
      (id) => out.push(id),
    );
    if (addSpecialTokens) for (const id of this.suffix) out.push(id);
    return out;
  }

  private encodeSection(section: string, out: number[]): void {
    const text = this.normalization ? section.normalize(this.normalization) : section;
    const scan = this.scanner;
    const words = this.words;
    if (scan) {
      // The scanner's pieces tile the text: no gaps to keep.
      words.encodeScanned(text, 0, text.length, scan, out);
      return;
    }
    const re = this.pattern;
    re.lastIndex = 0;
    let prev = 0;
    for (;;) {
      const m = re.exec(text);
      if (m === null) break;
      const at = m.index;
      const len = m[0].length;
      if (len === 0) {
        // As String.prototype.matchAll does: step over one code point and keep scanning.
        re.lastIndex = at + (isHighSurrogateAt(text, at) ? 2 : 1);
        continue;
      }
      if (this.keepGaps && prev < at) words.encodeWord(text, prev, at, out);
      words.encodeWord(text, at, at + len, out);
      prev = at + len;
    }
    if (this.keepGaps && prev < text.length) words.encodeWord(text, prev, text.length, out);
  }

  private merge(text: string, from: number, to: number, out: number[]): void {
    const n = this.toByteSymbols(text, from, to);
    if (n > LONG_WORD) mergeLong(this.table, this.symbols, n, out);
    else mergeSymbols(this.table, this.symbols, this.ranks, n, out, this.bytes);
  }

  /** Writes the word's UTF-8 bytes to `bytes` and their symbols to `symbols`; a lone surrogate is U+FFFD. */
  private toByteSymbols(word: string, from: number, to: number): number {
    if (this.symbols.length < (to - from) * 3) {
      this.symbols = new Int32Array((to - from) * 3);
      this.ranks = new Int32Array((to - from) * 3);
      this.bytes = new Uint8Array((to - from) * 3);
    }
    const b = this.bytes;
    let n = 0;
    for (let i = from; i < to; i++) {
      let c = word.charCodeAt(i);
      if (c < 0x80) {
        b[n++] = c;
      } else if (c < 0x800) {
        b[n++] = 0xc0 | (c >> 6);
        b[n++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < to ? word.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          b[n++] = 0xf0 | (c >> 18);
          b[n++] = 0x80 | ((c >> 12) & 0x3f);
          b[n++] = 0x80 | ((c >> 6) & 0x3f);
          b[n++] = 0x80 | (c & 0x3f);
        } else {
          b[n++] = 0xef;
          b[n++] = 0xbf;
          b[n++] = 0xbd;
        }
      } else {
        b[n++] = 0xe0 | (c >> 12);
        b[n++] = 0x80 | ((c >> 6) & 0x3f);
        b[n++] = 0x80 | (c & 0x3f);
      }
    }
    const s = this.symbols;
    const ids = this.table.byteIds;
    for (let i = 0; i < n; i++) s[i] = ids[b[i]!]!;
    return n;
  }
}

function isHighSurrogateAt(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  const d = text.charCodeAt(at + 1);
  return c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff;
}

/**
 * Raw text → id for every vocabulary entry whose byte-level spelling is valid UTF-8: the reference checks the word's
 * byte-level spelling against the vocabulary, and two spellings are equal exactly when their texts are.
 */
function wholeWordIds(vocab: ReadonlyMap<string, number>): Map<string, number> {
  const byteOf = new Map<number, number>();
  byteToUnicode().forEach((ch, b) => byteOf.set(ch.charCodeAt(0), b));
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const out = new Map<string, number>();
  let bytes = new Uint8Array(256);
  outer: for (const [key, id] of vocab) {
    if (key.length > bytes.length) bytes = new Uint8Array(key.length);
    for (let i = 0; i < key.length; i++) {
      const b = byteOf.get(key.charCodeAt(i));
      if (b === undefined) continue outer;
      bytes[i] = b;
    }
    let raw: string;
    try {
      raw = decoder.decode(bytes.subarray(0, key.length));
    } catch {
      continue;
    }
    out.set(raw, id);
  }
  return out;
}
