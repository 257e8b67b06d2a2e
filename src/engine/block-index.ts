/**
 * @module The prefix cache's index: block id by 64-bit block hash (two 32-bit words, block-hash.ts), as an
 * open-addressing table over typed arrays (linear probing, backward-shift deletion, so no tombstones pile up under
 * eviction). It holds no object per entry: a Map keyed by hash strings kept one string per cached block (up to the
 * whole KV cache, 262k blocks on the instant profile) for the garbage collector to trace, and each insert hashed a
 * fresh string. The block hashes are digests, so their low word is already a uniform slot index.
 */

const EMPTY = -1;
const MIN_SLOTS = 1024;

export class BlockIndex {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private value: Int32Array;
  private mask: number;
  private count = 0;

  /** `maxEntries`: the most entries it will hold (the cache's blocks); the table grows up to twice that. */
  constructor(private readonly maxEntries: number) {
    const slots = MIN_SLOTS;
    this.hi = new Uint32Array(slots);
    this.lo = new Uint32Array(slots);
    this.value = new Int32Array(slots).fill(EMPTY);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The block stored for hash (hi, lo), or -1. */
  get(hi: number, lo: number): number {
    const { mask, value } = this;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      const v = value[i] as number;
      if (v === EMPTY) return EMPTY;
      if (this.lo[i] === lo && this.hi[i] === hi) return v;
    }
  }

  /** Stores `block` for hash (hi, lo), replacing what was stored for it. */
  set(hi: number, lo: number, block: number): void {
    if (2 * (this.count + 1) > this.value.length && this.value.length < 2 * this.maxEntries) this.grow();
    const { mask, value } = this;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      if (value[i] === EMPTY) {
        this.hi[i] = hi;
        this.lo[i] = lo;
        value[i] = block;
        this.count++;
        return;
      }
      if (this.lo[i] === lo && this.hi[i] === hi) {
        value[i] = block;
        return;
      }
    }
  }

  delete(hi: number, lo: number): void {
    const { mask, value } = this;
    let i = lo & mask;
    for (; ; i = (i + 1) & mask) {
      if (value[i] === EMPTY) return;
      if (this.lo[i] === lo && this.hi[i] === hi) break;
    }
    this.count--;
    // Backward shift: later entries of the probe run move into the hole unless their home slot lies after it.
    for (let j = (i + 1) & mask; value[j] !== EMPTY; j = (j + 1) & mask) {
      const home = (this.lo[j] as number) & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      this.hi[i] = this.hi[j] as number;
      this.lo[i] = this.lo[j] as number;
      value[i] = value[j] as number;
      i = j;
    }
    value[i] = EMPTY;
  }

  clear(): void {
    this.value.fill(EMPTY);
    this.count = 0;
  }

  private grow(): void {
    const { hi, lo, value } = this;
    const slots = value.length * 2;
    this.hi = new Uint32Array(slots);
    this.lo = new Uint32Array(slots);
    this.value = new Int32Array(slots).fill(EMPTY);
    this.mask = slots - 1;
    this.count = 0;
    for (let i = 0; i < value.length; i++) if (value[i] !== EMPTY) this.set(hi[i] as number, lo[i] as number, value[i] as number);
  }
}
