/**
 * @module The merge table and merge loop of a byte-level BPE (GPT-2, Qwen, Llama 3): a word's UTF-8 bytes start as one
 * symbol each and the adjacent pair with the lowest merge rank is merged, leftmost first on ties, until no pair has a
 * rank — the same order as the heap in @lenml/tokenizers and Hugging Face's Rust `BPE::merge_word`, so the ids are
 * the same. Words past LONG_WORD bytes go to bpe-long.ts.
 *
 * Tables are typed arrays: a lookup allocates nothing, and a worker thread that builds its own copy pays ~0.3 s once.
 * On text whose words are new nearly every lookup is a memory access (the tables are megabytes, the L2 cache is
 * one), so their layout is what the loop's speed is: see MergeTable. Pure and deterministic.
 */
/** GPT-2's byte → printable character map (`bytes_to_unicode`): vocabulary keys spell bytes with these characters. */
export function byteToUnicode(): string[] {
  const out: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    out[b] = String.fromCharCode(printable ? b : 256 + extra++);
  }
  return out;
}

/**
 * The merge table of one vocabulary (build with `buildMergeTable`). A pair is looked up by `pairRank`: first in a
 * Bloom filter of every merge pair (256 KB, stays in the L2 cache), which answers about half of all lookups — the
 * pairs that merge into nothing — with no further memory access; then in an open-addressing hash of two int32s per
 * slot (2 MB, half the four-int32 slots it replaced). The merged id is not stored per slot: it is a function of the
 * rank (`mergedId`), read only when a merge is made, not on every lookup.
 */
export interface MergeTable {
  /** Id of each single byte's symbol (-1 throughout in a `chars` table). */
  readonly byteIds: Int32Array;
  /** One more than the highest id in the vocabulary. */
  readonly vocabSize: number;
  /** Slot count - 1 (a power of two). */
  readonly mask: number;
  /** Per slot: [2s] = left id | (right id & 0x7ff) << 21 (-1: empty), [2s+1] = right id >>> 11 | rank << 10. */
  readonly slots: Int32Array;
  /** Bloom filter words: each pair sets two bits of one word (FILTER_WORDS of them). */
  readonly filter: Int32Array;
  /** Rank of the merge of two single bytes, indexed directly by b1 × 256 + b2 (NO_RANK: none): a word's first round. */
  readonly bytePairs: Int32Array;
  /** Merged id by rank (-1: a rank that never forms). */
  readonly mergedOf: Int32Array;
  /**
   * Every merged id is its rank + this (Qwen's vocabulary lists merges in id order), or null. Then a merge reads no
   * table at all: `mergedOf` is 600 KB, and on new text each read of it is a cache miss.
   */
  readonly mergedOffset: number | null;
  /** Left and right id by rank (-1: never forms), for bpe-long.ts. */
  readonly leftOf: Int32Array;
  readonly rightOf: Int32Array;
  /**
   * Every merge that uses a token comes after every merge that makes it (true of a merge list BPE training wrote,
   * not of Llama 3's). Then merging never creates a pair that outranks the one just merged, and bpe-long.ts never
   * has to interrupt a sweep.
   */
  readonly monotone: boolean;
}

/** "No merge": above every rank (ranks are below MAX_PACKED), and small enough to pack with a position in an int32. */
export const NO_RANK = (1 << 21) - 1;

/** Ids and ranks must fit the packed slots (21 bits each; the largest vocabularies in use are under 2^18). */
const MAX_PACKED = (1 << 21) - 2;
const FILTER_WORDS = 1 << 16;

/**
 * `vocab` maps vocabulary strings to ids (added tokens included, as the reference does); `merges` are `[left, right]`
 * pairs in rank order (a later duplicate overrides an earlier one, as a Map built from the list does).
 * Returns null when some merge yields a string outside the vocabulary, or a byte has no symbol: the reference then
 * emits unknown tokens, which this table cannot represent, so the caller keeps the reference encoder. Null too past
 * MAX_PACKED ids or merges.
 */
export function buildMergeTable(
  vocab: ReadonlyMap<string, number>,
  merges: readonly (readonly [string, string])[],
  alphabet: 'bytes' | 'chars' = 'bytes',
): MergeTable | null {
  // `chars` (SentencePiece-style vocabularies, piece-encoder.ts): words start as characters, not bytes; no byte table.
  const chars = byteToUnicode();
  const byteIds = new Int32Array(256).fill(-1);
  for (let b = 0; b < 256 && alphabet === 'bytes'; b++) {
    const id = vocab.get(chars[b]!);
    if (id === undefined) return null;
    byteIds[b] = id;
  }
  let vocabSize = 0;
  for (const id of vocab.values()) if (id >= vocabSize) vocabSize = id + 1;
  if (vocabSize > MAX_PACKED || merges.length > MAX_PACKED) return null;
  let size = 1024;
  while (size < merges.length * 1.6) size <<= 1;
  const mask = size - 1;
  const slots = new Int32Array(size * 2).fill(-1);
  const filter = new Int32Array(FILTER_WORDS);
  const mergedOf = new Int32Array(merges.length).fill(-1);
  for (let r = 0; r < merges.length; r++) {
    const [a, b] = merges[r]!;
    const ia = vocab.get(a);
    const ib = vocab.get(b);
    // A pair whose side is not in the vocabulary can never form (every reachable symbol is checked to be in it).
    if (ia === undefined || ib === undefined) continue;
    const im = vocab.get(a + b);
    if (im === undefined) return null;
    const slot = findSlot(slots, mask, ia, ib);
    // A later duplicate overrides: the earlier rank never forms.
    if (slots[slot] !== -1) mergedOf[slots[slot + 1]! >>> 10] = -1;
    slots[slot] = ia | ((ib & 0x7ff) << 21);
    slots[slot + 1] = (ib >>> 11) | (r << 10);
    mergedOf[r] = im;
    const h = filterHash(ia, ib);
    filter[h >>> 16] |= (1 << (h & 31)) | (1 << ((h >>> 5) & 31));
  }
  // Ranks that form, by what they are made of and make; then whether the order is monotone (see `monotone`).
  const leftOf = new Int32Array(merges.length).fill(-1);
  const rightOf = new Int32Array(merges.length).fill(-1);
  const lastMade = new Int32Array(vocabSize).fill(-1);
  for (let r = 0; r < merges.length; r++) {
    if (mergedOf[r] === -1) continue;
    leftOf[r] = vocab.get(merges[r]![0])!;
    rightOf[r] = vocab.get(merges[r]![1])!;
    lastMade[mergedOf[r]!] = r;
  }
  let monotone = true;
  for (let r = 0; r < merges.length && monotone; r++) {
    if (mergedOf[r] !== -1 && (lastMade[leftOf[r]!]! >= r || lastMade[rightOf[r]!]! >= r)) monotone = false;
  }
  let mergedOffset: number | null = merges.length > 0 ? mergedOf[0]! : null;
  for (let r = 0; r < merges.length && mergedOffset !== null; r++) if (mergedOf[r] !== -1 && mergedOf[r] !== r + mergedOffset) mergedOffset = null;
  const bytePairs = new Int32Array(alphabet === 'bytes' ? 65536 : 0);
  const table: MergeTable = { byteIds, vocabSize, mask, slots, filter, bytePairs, mergedOf, mergedOffset, leftOf, rightOf, monotone };
  for (let k = 0; k < bytePairs.length; k++) bytePairs[k] = pairRank(table, byteIds[k >> 8]!, byteIds[k & 255]!);
  return table;
}

/** The rank of merging the pair (a, b), or NO_RANK. */
export function pairRank(t: MergeTable, a: number, b: number): number {
  const h = filterHash(a, b);
  const word = t.filter[h >>> 16]!;
  if (((word >>> (h & 31)) & (word >>> ((h >>> 5) & 31)) & 1) === 0) return NO_RANK;
  const { slots, mask } = t;
  const k0 = a | ((b & 0x7ff) << 21);
  const k1 = b >>> 11;
  for (let slot = hashPair(a, b) & mask; ; slot = (slot + 1) & mask) {
    const i = slot << 1;
    const s0 = slots[i]!;
    if (s0 === -1) return NO_RANK;
    const s1 = slots[i + 1]!;
    if (s0 === k0 && (s1 & 0x3ff) === k1) return s1 >>> 10;
  }
}

/** The id a merge of rank `rank` makes. */
export function mergedId(t: MergeTable, rank: number): number {
  return t.mergedOffset !== null ? rank + t.mergedOffset : t.mergedOf[rank]!;
}

/** Index into `slots` of the pair (a, b): its slot, or the empty one where it goes. */
function findSlot(slots: Int32Array, mask: number, a: number, b: number): number {
  const k0 = a | ((b & 0x7ff) << 21);
  const k1 = b >>> 11;
  for (let slot = hashPair(a, b) & mask; ; slot = (slot + 1) & mask) {
    const i = slot << 1;
    if (slots[i] === -1 || (slots[i] === k0 && (slots[i + 1]! & 0x3ff) === k1)) return i;
  }
}

function hashPair(a: number, b: number): number {
  return Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
}

/** A second hash for the filter: the top 16 bits pick its word, the low 10 its two bits. */
function filterHash(a: number, b: number): number {
  const h = Math.imul(a ^ Math.imul(b, 0x27d4eb2f), 0x165667b1);
  return h ^ (h >>> 15);
}

/**
 * Merges `symbols[0..n)` (byte symbol ids of the word's UTF-8 `bytes`, overwritten) and appends the resulting ids to
 * `out`. `ranks` is scratch of at least n entries. Quadratic in the word's length, which beats a heap for the short
 * words a pre-tokenizer produces; the caller gives words past LONG_WORD to bpe-long.ts.
 */
export function mergeSymbols(t: MergeTable, symbols: Int32Array, ranks: Int32Array, n: number, out: number[], bytes: Uint8Array): void {
  // ranks[i]: rank of the pair (symbols[i], symbols[i + 1]).
  const pairs = t.bytePairs;
  for (let i = 0; i + 1 < n; i++) ranks[i] = pairs[(bytes[i]! << 8) | bytes[i + 1]!]!;
  mergeRanked(t, symbols, ranks, n, out);
}

/** mergeSymbols for symbols that are not single bytes (characters of a SentencePiece-style vocabulary). */
export function mergeSymbolIds(t: MergeTable, symbols: Int32Array, ranks: Int32Array, n: number, out: number[]): void {
  for (let i = 0; i + 1 < n; i++) ranks[i] = pairRank(t, symbols[i]!, symbols[i + 1]!);
  mergeRanked(t, symbols, ranks, n, out);
}

/** The merge loop once `ranks[0..n-1)` holds each adjacent pair's rank. */
function mergeRanked(t: MergeTable, symbols: Int32Array, ranks: Int32Array, n: number, out: number[]): void {
  while (n > 1) {
    // The lowest (rank, position) as one int32 (n ≤ LONG_WORD < 128), by an arithmetic min: (d >> 31) masks d in
    // when k is lower. Measured a few per cent faster than Math.min here on text whose words are new.
    let key = 1 << 28;
    for (let i = 0; i + 1 < n; i++) {
      const k = (ranks[i]! << 7) | i;
      const d = key - k;
      key = k + (d & (d >> 31));
    }
    const best = key >> 7;
    if (best >= NO_RANK) break;
    const at = key & 127;
    symbols[at] = mergedId(t, best);
    for (let i = at + 1; i + 1 < n; i++) {
      symbols[i] = symbols[i + 1]!;
      ranks[i] = ranks[i + 1]!;
    }
    n--;
    if (at > 0) ranks[at - 1] = pairRank(t, symbols[at - 1]!, symbols[at]!);
    if (at + 1 < n) ranks[at] = pairRank(t, symbols[at]!, symbols[at + 1]!);
  }
  for (let i = 0; i < n; i++) out.push(symbols[i]!);
}

/** Above this many bytes a word goes to bpe-long.ts (a run of 100k spaces or an unbroken base64 blob). */
export const LONG_WORD = 128;
