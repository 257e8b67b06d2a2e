/**
 * @module A small LRU of rendered + tokenized prompts. Load tests repeat prompts; rendering a jinja template and running
 * BPE cost more than everything else a request does, so identical prompts are tokenized once.
 */

export class PromptCache<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly capacity = 2048) {}

  getOrCompute(key: string, compute: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const value = compute();
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
    return value;
  }
}
