/**
 * @module A small cache of rendered + tokenized prompts. Load tests repeat prompts; rendering a jinja template and running
 * BPE cost more than everything else a request does, so identical prompts are tokenized once.
 *
 * Two generations instead of a strict LRU: a hit in the young map costs one lookup (an LRU reorders the map on every
 * hit, which was a visible share of a small request); when the young map fills it becomes the old one, and entries
 * still in use move back on their next hit. Everything used within the last `capacity` inserts stays cached.
 */

export class PromptCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly capacity = 2048) {}

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
    this.young.set(key, value);
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}
