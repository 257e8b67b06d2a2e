/**
 * @module The merge loop of a byte-level BPE (GPT-2, Qwen, Llama 3): a word's UTF-8 bytes start as one symbol each and
 * the adjacent pair with the lowest merge rank is merged, leftmost first on ties, until no pair has a rank — the same
 * order as the heap in @lenml/tokenizers and Hugging Face's Rust `BPE::merge_word`, so the ids are the same.
 *
 * Tables are typed arrays (an open-addressing hash of merge pairs): a lookup allocates nothing, and a worker thread
 * that builds its own copy pays ~0.3 s once. Pure and deterministic: no clock, no randomness, no shared state.
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
 * The merge table of one vocabulary. Build with `buildMergeTable`. One open-addressing hash of merge pairs, each slot
 * four int32s side by side — left id, right id, rank, merged id — so a probe touches one cache line: the table (a few
 * MB) does not fit in cache, and on text whose words are new every lookup is a memory access.
 */
export interface MergeTable {
  /** Id of each single byte's symbol (-1: the vocabulary lacks it, which `buildMergeTable` refuses). */
  readonly byteIds: Int32Array;
  /** One more than the highest id in the vocabulary. */
  readonly vocabSize: number;
  /** Slot count - 1 (a power of two). */
  readonly mask: number;
  /** slots[4s] = left id (-1: empty), [4s+1] = right id, [4s+2] = rank, [4s+3] = merged id. */
  readonly slots: Int32Array;
  /**
   * The merges of two single bytes, indexed directly: [2 × (b1 × 256 + b2)] = rank (NO_RANK: none), [+1] = merged id.
   * A word's first round of lookups is all byte pairs, a third of its probes, here from 512 KB instead of the hash.
   */
  readonly bytePairs: Int32Array;
}

/**
 * `vocab` maps vocabulary strings to ids (added tokens included, as the reference does); `merges` are `[left, right]`
 * pairs in rank order (a later duplicate overrides an earlier one, as a Map built from the list does).
 * Returns null when some merge yields a string outside the vocabulary, or a byte has no symbol: the reference then
 * emits unknown tokens, which this table cannot represent, so the caller keeps the reference encoder.
 */
export function buildMergeTable(vocab: ReadonlyMap<string, number>, merges: readonly (readonly [string, string])[]): MergeTable | null {
  const chars = byteToUnicode();
  const byteIds = new Int32Array(256);
  for (let b = 0; b < 256; b++) {
    const id = vocab.get(chars[b]!);
    if (id === undefined) return null;
    byteIds[b] = id;
  }
  let size = 1024;
  while (size < merges.length * 1.6) size <<= 1;
  const mask = size - 1;
  const slots = new Int32Array(size * 4).fill(-1);
  for (let r = 0; r < merges.length; r++) {
    const [a, b] = merges[r]!;
    const ia = vocab.get(a);
    const ib = vocab.get(b);
    // A pair whose side is not in the vocabulary can never form (every reachable symbol is checked to be in it).
    if (ia === undefined || ib === undefined) continue;
    const im = vocab.get(a + b);
    if (im === undefined) return null;
    let slot = hashPair(ia, ib) & mask;
    while (slots[slot * 4] !== -1 && (slots[slot * 4] !== ia || slots[slot * 4 + 1] !== ib)) slot = (slot + 1) & mask;
    slots[slot * 4] = ia;
    slots[slot * 4 + 1] = ib;
    slots[slot * 4 + 2] = r;
    slots[slot * 4 + 3] = im;
  }
  let vocabSize = 0;
  for (const id of vocab.values()) if (id >= vocabSize) vocabSize = id + 1;
  const table = { byteIds, vocabSize, mask, slots, bytePairs: new Int32Array(2 * 65536) };
  for (let k = 0; k < 65536; k++) {
    const s = findPair(table, byteIds[k >> 8]!, byteIds[k & 255]!);
    table.bytePairs[2 * k] = s < 0 ? NO_RANK : slots[s + 2]!;
    table.bytePairs[2 * k + 1] = s < 0 ? -1 : slots[s + 3]!;
  }
  return table;
}

/** Index into `slots` (4 × slot) of the pair (a, b), or -1 when it has no merge. */
function findPair(t: MergeTable, a: number, b: number): number {
  const { slots, mask } = t;
  let slot = hashPair(a, b) & mask;
  for (;;) {
    const i = slot << 2;
    const l = slots[i]!;
    if (l === -1) return -1;
    if (l === a && slots[i + 1] === b) return i;
    slot = (slot + 1) & mask;
  }
}

function hashPair(a: number, b: number): number {
  return Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77);
}

const NO_RANK = 0x7fffffff;

/**
 * Merges `symbols[0..n)` (byte symbol ids of the word's UTF-8 `bytes`, overwritten) and appends the resulting ids to
 * `out`. `ranks` is scratch of at least n entries. Quadratic in the word's length, which beats a heap for the short
 * words a pre-tokenizer produces; `mergeLong` takes words past LONG_WORD.
 */
export function mergeSymbols(t: MergeTable, symbols: Int32Array, ranks: Int32Array, n: number, out: number[], bytes: Uint8Array): void {
  if (n > LONG_WORD) return mergeLong(t, symbols, n, out);
  // ranks[i]: rank of the pair (symbols[i], symbols[i + 1]); merged[i]: the id it merges into.
  const merged = scratchMerged(n);
  const pairs = t.bytePairs;
  for (let i = 0; i + 1 < n; i++) {
    const k = ((bytes[i]! << 8) | bytes[i + 1]!) << 1;
    ranks[i] = pairs[k]!;
    merged[i] = pairs[k + 1]!;
  }
  const slots = t.slots;
  while (n > 1) {
    let best = NO_RANK;
    let at = -1;
    for (let i = 0; i + 1 < n; i++) {
      if (ranks[i]! < best) {
        best = ranks[i]!;
        at = i;
      }
    }
    if (at < 0) break;
    symbols[at] = merged[at]!;
    for (let i = at + 1; i + 1 < n; i++) {
      symbols[i] = symbols[i + 1]!;
      ranks[i] = ranks[i + 1]!;
      merged[i] = merged[i + 1]!;
    }
    n--;
    if (at > 0) {
      const s = findPair(t, symbols[at - 1]!, symbols[at]!);
      ranks[at - 1] = s < 0 ? NO_RANK : slots[s + 2]!;
      merged[at - 1] = s < 0 ? -1 : slots[s + 3]!;
    }
    if (at + 1 < n) {
      const s = findPair(t, symbols[at]!, symbols[at + 1]!);
      ranks[at] = s < 0 ? NO_RANK : slots[s + 2]!;
      merged[at] = s < 0 ? -1 : slots[s + 3]!;
    }
  }
  for (let i = 0; i < n; i++) out.push(symbols[i]!);
}

/** Above this many bytes a word is merged with a heap (a run of 100k spaces or an unbroken base64 blob). */
export const LONG_WORD = 128;

let mergedScratch = new Int32Array(256);
function scratchMerged(n: number): Int32Array {
  if (mergedScratch.length < n) mergedScratch = new Int32Array(n * 2);
  return mergedScratch;
}

/**
 * The same merge order on a doubly linked list with a binary heap keyed (rank, position): O(n log n) for long words.
 * Heap entries go stale when a neighbour merges; a popped entry is used only if it still describes a live pair.
 */
function mergeLong(t: MergeTable, symbols: Int32Array, n: number, out: number[]): void {
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const alive = new Uint8Array(n).fill(1);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  // Heap of (rank * 2^21 + position) would overflow int32 ranks; keep two parallel arrays instead.
  const heap = new MinHeap(n);
  for (let i = 0; i + 1 < n; i++) {
    const s = findPair(t, symbols[i]!, symbols[i + 1]!);
    if (s >= 0) heap.push(t.slots[s + 2]!, i, symbols[i + 1]!);
  }
  while (heap.size > 0) {
    const rank = heap.topRank();
    const pos = heap.topPos();
    const rightSym = heap.topRight();
    heap.pop();
    const j = next[pos]!;
    // Stale: the left symbol was merged away, has no right neighbour any more, or the neighbour changed.
    if (!alive[pos] || j < 0 || symbols[j] !== rightSym) continue;
    const s = findPair(t, symbols[pos]!, symbols[j]!);
    if (s < 0 || t.slots[s + 2] !== rank) continue;
    symbols[pos] = t.slots[s + 3]!;
    alive[j] = 0;
    const k = next[j]!;
    next[pos] = k;
    if (k >= 0) prev[k] = pos;
    const p = prev[pos]!;
    if (p >= 0) {
      const sp = findPair(t, symbols[p]!, symbols[pos]!);
      if (sp >= 0) heap.push(t.slots[sp + 2]!, p, symbols[pos]!);
    }
    if (k >= 0) {
      const sk = findPair(t, symbols[pos]!, symbols[k]!);
      if (sk >= 0) heap.push(t.slots[sk + 2]!, pos, symbols[k]!);
    }
  }
  for (let i = 0; i >= 0; i = next[i]!) out.push(symbols[i]!);
}

/** A binary min-heap of (rank, position, right symbol) ordered by rank, then position. */
class MinHeap {
  private ranks: Int32Array;
  private poss: Int32Array;
  private rights: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.ranks = new Int32Array(Math.max(4, capacity));
    this.poss = new Int32Array(this.ranks.length);
    this.rights = new Int32Array(this.ranks.length);
  }

  topRank(): number {
    return this.ranks[0]!;
  }
  topPos(): number {
    return this.poss[0]!;
  }
  topRight(): number {
    return this.rights[0]!;
  }

  push(rank: number, pos: number, right: number): void {
    if (this.size === this.ranks.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(rank, pos, this.ranks[parent]!, this.poss[parent]!)) break;
      this.set(i, this.ranks[parent]!, this.poss[parent]!, this.rights[parent]!);
      i = parent;
    }
    this.set(i, rank, pos, right);
  }

  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    const rank = this.ranks[last]!;
    const pos = this.poss[last]!;
    const right = this.rights[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.less(this.ranks[child + 1]!, this.poss[child + 1]!, this.ranks[child]!, this.poss[child]!)) child++;
      if (!this.less(this.ranks[child]!, this.poss[child]!, rank, pos)) break;
      this.set(i, this.ranks[child]!, this.poss[child]!, this.rights[child]!);
      i = child;
    }
    this.set(i, rank, pos, right);
  }

  private less(ra: number, pa: number, rb: number, pb: number): boolean {
    return ra < rb || (ra === rb && pa < pb);
  }

  private set(i: number, rank: number, pos: number, right: number): void {
    this.ranks[i] = rank;
    this.poss[i] = pos;
    this.rights[i] = right;
  }

  private grow(): void {
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.ranks = grow(this.ranks);
    this.poss = grow(this.poss);
    this.rights = grow(this.rights);
  }
}
