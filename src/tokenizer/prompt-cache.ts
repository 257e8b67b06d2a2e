/**
 * @module A small cache of rendered + tokenized prompts. Load tests repeat prompts; rendering a jinja template and running
 * BPE cost more than everything else a request does, so identical prompts are tokenized once.
 *
 * Two generations instead of a strict LRU: a hit in the young map costs one lookup (an LRU reorders the map on every
 * hit, which was a visible share of a small request); when the young map fills it becomes the old one, and entries
 * still in use move back on their next hit. Everything used within the last `capacity` inserts stays cached.
 *
 * Bounded in bytes too (`maxBytes`, with the caller's `sizeOf`): a load test of unique long prompts (8k tokens: a
 * ~40 KB key and ~64 KB of ids) filled 4,096 entries with ~400 MB, in every preparation worker, close to a worker's
 * heap cap; a young generation rotates at half the budget, and an entry over an eighth of it is not kept at all.
 */

export interface PromptCacheLimits<V> {
  /** Entries per generation. */
  readonly capacity?: number;
  /** Bytes over both generations (approximate, as `sizeOf` counts them). */
  readonly maxBytes?: number;
  readonly sizeOf?: (key: string, value: V) => number;
}

export class PromptCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private youngBytes = 0;
  private readonly capacity: number;
  private readonly maxBytes: number;
  private readonly sizeOf: (key: string, value: V) => number;

  constructor(limits: number | PromptCacheLimits<V> = {}) {
    const l = typeof limits === 'number' ? { capacity: limits } : limits;
    this.capacity = l.capacity ?? 2048;
    this.maxBytes = l.maxBytes ?? Infinity;
    this.sizeOf = l.sizeOf ?? ((key) => key.length * 2);
  }

  getOrCompute(key: string, compute: () => V): V {
    const hit = this.peek(key);
    if (hit !== undefined) return hit;
    const value = compute();
    this.set(key, value);
    return value;
  }

  /** The cached value, if any (an entry found in the old generation moves back to the young one). */
  peek(key: string): V | undefined {
    const hit = this.young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: string, value: V): void {
    const bytes = this.maxBytes === Infinity ? 0 : this.sizeOf(key, value);
    if (bytes > this.maxBytes / 8) return;
    this.young.set(key, value);
    this.youngBytes += bytes;
    if (this.young.size >= this.capacity || this.youngBytes >= this.maxBytes / 2) {
      this.old = this.young;
      this.young = new Map();
      this.youngBytes = 0;
    }
  }

  /** Entries held (both generations; a key in both counts twice). */
  size(): number {
    return this.young.size + this.old.size;
  }
}
