/**
 * @module Hash tables keyed by a stretch of a string (`text`, `from`, `to`: UTF-16 code units) instead of a string: the
 * encoder looks every pre-tokenized word up by its place in the prompt, so no substring is made for a word that is a
 * vocabulary entry or was seen before. Keys and values live in typed arrays (open addressing, linear probing): a
 * lookup allocates nothing, and a word cache of 64k entries is a few flat arrays the GC does not walk.
 */

/** FNV-1a over the code units of text[from, to), finished with a murmur-style mix. */
export function hashRange(text: string, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

/**
 * A fixed set of string keys → non-negative int values (the vocabulary by its raw text). One slot is two int32s —
 * hash, where the key starts in `units` — and each key is stored as [length (2 units), value (2 units), key units],
 * so a lookup touches one cache line of slots (a miss: nothing else) and one of units (a hit). Four separate arrays
 * per slot cost a cache miss each, and this table (a few MB) is read for every word.
 */
export class TextIdTable {
  private readonly mask: number;
  /** [2s] = hash, [2s+1] = start of the key's record in `units` (-1: empty). */
  private readonly slots: Int32Array;
  private readonly units: Uint16Array;

  constructor(entries: ReadonlyMap<string, number>) {
    let size = 1024;
    while (size < entries.size * 1.6) size <<= 1;
    this.mask = size - 1;
    this.slots = new Int32Array(size * 2).fill(-1);
    let total = 0;
    for (const k of entries.keys()) total += k.length + 4;
    this.units = new Uint16Array(total);
    let at = 0;
    for (const [key, value] of entries) {
      const h = hashRange(key, 0, key.length);
      let slot = h & this.mask;
      while (this.slots[slot * 2 + 1] !== -1) slot = (slot + 1) & this.mask;
      const u = this.units;
      u[at] = key.length & 0xffff;
      u[at + 1] = key.length >>> 16;
      u[at + 2] = value & 0xffff;
      u[at + 3] = value >>> 16;
      for (let i = 0; i < key.length; i++) u[at + 4 + i] = key.charCodeAt(i);
      this.slots[slot * 2] = h;
      this.slots[slot * 2 + 1] = at;
      at += key.length + 4;
    }
  }

  /**
   * Reads the slot where a key of hash `h` starts (its value means nothing): a load the CPU can run while the caller
   * works on something else, so that `get(…, h)` soon after finds the slot's cache line already fetched.
   */
  touch(h: number): number {
    return this.slots[((h & this.mask) << 1) | 1]!;
  }

  /** The value of text[from, to), or -1. */
  get(text: string, from: number, to: number, h = hashRange(text, from, to)): number {
    const len = to - from;
    const { slots, units, mask } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const start = slots[slot * 2 + 1]!;
      if (start === -1) return -1;
      if (slots[slot * 2] === h && units[start] === (len & 0xffff) && units[start + 1] === len >>> 16 && sameUnits(units, start + 4, text, from, len)) {
        return units[start + 2]! | (units[start + 3]! << 16);
      }
    }
  }
}

function sameUnits(units: Uint16Array, start: number, text: string, from: number, len: number): boolean {
  for (let i = 0; i < len; i++) if (units[start + i] !== text.charCodeAt(from + i)) return false;
  return true;
}

/** Marks per word-cache generation: 2^19 bits. */
const MARK_BITS = 19;

/**
 * One generation of the word cache: up to `capacity` words (each ≤ `maxWord` code units, at most 255) → their ids.
 * Full when either the entries or the id pool run out; then the owner clears it. A slot is four int32s in one cache
 * line: hash, start of the word in `units` (-1: empty), start of its ids in `ids`, length | id count << 8.
 */
class WordTable {
  private readonly mask: number;
  private readonly slots: Int32Array;
  private readonly units: Uint16Array;
  private readonly ids: Int32Array;
  private unitsUsed = 0;
  private idsUsed = 0;
  /** One bit per hash of the words held, set by `add` (a filter with one hash: under 1 in 16 false at capacity). */
  private readonly marks = new Int32Array(1 << (MARK_BITS - 5));
  count = 0;

  constructor(
    private readonly capacity: number,
    maxWord: number,
  ) {
    let size = 16;
    while (size < capacity * 2) size <<= 1;
    this.mask = size - 1;
    this.slots = new Int32Array(size * 4).fill(-1);
    // Words average far below the longest cached one: room for `capacity` words of 16 units and 8 ids, at least one long one.
    this.units = new Uint16Array(capacity * 16 + maxWord);
    this.ids = new Int32Array(capacity * 8 + maxWord * 4);
  }

  /**
   * The slot (index into `slots`) of text[from, to), or -1. A word whose hash has no mark is not here, and is answered
   * from the marks alone (64 KB, stay in the CPU's cache): on text whose words are new, most lookups miss, and a probe
   * of the slots (1 MB) would be a cache miss each.
   */
  find(text: string, from: number, to: number, h: number): number {
    const bit = h >>> (32 - MARK_BITS);
    if ((this.marks[bit >>> 5]! & (1 << (bit & 31))) === 0) return -1;
    const len = to - from;
    const { slots, units, mask } = this;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const i = slot << 2;
      const start = slots[i + 1]!;
      if (start === -1) return -1;
      if (slots[i] === h && (slots[i + 3]! & 0xff) === len && sameUnits(units, start, text, from, len)) return i;
    }
  }

  /** Appends the ids of slot `i` to `out`. */
  copyTo(i: number, out: number[]): void {
    const start = this.slots[i + 2]!;
    const end = start + (this.slots[i + 3]! >>> 8);
    for (let k = start; k < end; k++) out.push(this.ids[k]!);
  }

  /** Adds text[from, to) → src[srcFrom, srcTo); false when this generation is full (nothing added). */
  add(text: string, from: number, to: number, h: number, src: ArrayLike<number>, srcFrom: number, srcTo: number): boolean {
    const len = to - from;
    const n = srcTo - srcFrom;
    if (this.count >= this.capacity || this.unitsUsed + len > this.units.length || this.idsUsed + n > this.ids.length) return false;
    let slot = h & this.mask;
    while (this.slots[slot * 4 + 1] !== -1) slot = (slot + 1) & this.mask;
    const u = this.unitsUsed;
    for (let i = 0; i < len; i++) this.units[u + i] = text.charCodeAt(from + i);
    const d = this.idsUsed;
    for (let i = 0; i < n; i++) this.ids[d + i] = src[srcFrom + i]!;
    const bit = h >>> (32 - MARK_BITS);
    this.marks[bit >>> 5] = this.marks[bit >>> 5]! | (1 << (bit & 31));
    const i = slot * 4;
    this.slots[i] = h;
    this.slots[i + 1] = u;
    this.slots[i + 2] = d;
    this.slots[i + 3] = len | (n << 8);
    this.unitsUsed += len;
    this.idsUsed += n;
    this.count++;
    return true;
  }

  clear(): void {
    this.slots.fill(-1);
    this.marks.fill(0);
    this.unitsUsed = 0;
    this.idsUsed = 0;
    this.count = 0;
  }
}

/**
 * A bounded cache from words to their ids in two generations (as word-cache.ts was): a hit in the young one is one
 * probe; when it fills, the old one is cleared and they swap, and a word found in the old one moves back to the young.
 * Everything used within the last `capacity` new words stays cached; memory is fixed at construction.
 */
export class RangeWordCache {
  private young: WordTable;
  private old: WordTable;

  constructor(
    capacity: number,
    private readonly maxWord: number,
  ) {
    this.young = new WordTable(capacity, maxWord);
    this.old = new WordTable(capacity, maxWord);
  }

  /** Appends the cached ids of text[from, to) to `out` and returns true, or returns false (not cached). */
  get(text: string, from: number, to: number, h: number, out: number[]): boolean {
    const hit = this.young.find(text, from, to, h);
    if (hit >= 0) {
      this.young.copyTo(hit, out);
      return true;
    }
    const aged = this.old.find(text, from, to, h);
    if (aged < 0) return false;
    const start = out.length;
    this.old.copyTo(aged, out);
    this.set(text, from, to, h, out, start, out.length);
    return true;
  }

  /** Caches text[from, to) → src[srcFrom, srcTo) (words longer than `maxWord` are not kept). */
  set(text: string, from: number, to: number, h: number, src: ArrayLike<number>, srcFrom: number, srcTo: number): void {
    if (to - from > this.maxWord || to - from > 255) return;
    if (this.young.add(text, from, to, h, src, srcFrom, srcTo)) return;
    const old = this.old;
    old.clear();
    this.old = this.young;
    this.young = old;
    this.young.add(text, from, to, h, src, srcFrom, srcTo);
  }

  get size(): number {
    return this.young.count + this.old.count;
  }
}
