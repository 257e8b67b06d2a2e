/**
 * @module A bounded cache from pre-tokenized words to their ids. Prompts share most of their words, so a word is merged
 * once; two generations instead of a strict LRU (a hit costs one Map lookup, no reordering; the young map becomes the
 * old one when full, and entries still in use move back on their next hit), so memory stays under 2 × capacity words.
 */

/** One id is stored as a number (no array for the commonest case), several as an array. */
export type WordIds = number | readonly number[];

export class WordCache {
  private young = new Map<string, WordIds>();
  private old = new Map<string, WordIds>();

  constructor(private readonly capacity = 1 << 15) {}

  get(word: string): WordIds | undefined {
    const hit = this.young.get(word);
    if (hit !== undefined) return hit;
    const aged = this.old.get(word);
    if (aged !== undefined) this.set(word, aged);
    return aged;
  }

  set(word: string, ids: WordIds): void {
    this.young.set(word, ids);
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}
