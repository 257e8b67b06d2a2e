/**
 * @module Long words (past byte-level-bpe.ts's LONG_WORD bytes: a run of 100k spaces, a million-letter "word"): the
 * same merge order on a doubly linked list of symbols, in O(n log n) instead of the short loop's O(n²).
 *
 * Merging never creates a pair that outranks the one being merged when the merge list is monotone
 * (MergeTable.monotone: true of every trained one, e.g. Qwen3), so all pending pairs of one rank are merged in one
 * left-to-right sweep, and the queue holds distinct ranks, each with the positions where its pair stands: "x" ×
 * 1,000,000 has a handful of ranks, and the sweep is linear. Where a list is not monotone (Llama 3's ranks come from
 * tiktoken), a merge that creates an outranking pair stops the sweep and sends the rest of it back to the queue;
 * a word that does this too often goes on with a heap of (rank, position) pairs, as Hugging Face's `merge_word`.
 * Every path takes a pair only while it is still the pair it was queued as, so the order is the reference's:
 * lowest rank first, leftmost first within a rank.
 */
import { mergedId, NO_RANK, pairRank, type MergeTable } from './byte-level-bpe.ts';

/**
 * Merges `symbols[0..n)` and appends the resulting ids to `out`. `budget`: positions a non-monotone list may send
 * back to the queue before the rest of the word goes to the heap (tests set it low).
 */
export function mergeLong(t: MergeTable, symbols: Int32Array, n: number, out: number[], budget = 4 * n + 1024): void {
  mergeByRank(t, symbols, n, out, budget);
}

/** The linked list over symbols[0..n): next (-1 at the end) and prev (-1 at the start); `alive` 0 once merged away. */
interface LinkedList {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly alive: Uint8Array;
}

function linkedList(n: number): LinkedList {
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
  }
  return { next, prev, alive: new Uint8Array(n).fill(1) };
}

function mergeByRank(t: MergeTable, symbols: Int32Array, n: number, out: number[], budget: number): void {
  const list = linkedList(n);
  const { next, prev, alive } = list;
  // Pending positions per rank: singly linked entries (pos, next entry), newest first; `heads` rank → newest entry.
  let entries = new Int32Array(2 * (n + 16));
  let used = 0;
  const heads = new Map<number, number>();
  const queue = new RankHeap();
  const add = (rank: number, pos: number): void => {
    if (used * 2 + 2 > entries.length) {
      const grown = new Int32Array(entries.length * 2);
      grown.set(entries);
      entries = grown;
    }
    const head = heads.get(rank);
    if (head === undefined) queue.push(rank);
    entries[used * 2] = pos;
    entries[used * 2 + 1] = head ?? -1;
    heads.set(rank, used++);
  };
  for (let i = 0; i + 1 < n; i++) {
    const r = pairRank(t, symbols[i]!, symbols[i + 1]!);
    if (r !== NO_RANK) add(r, i);
  }
  let sweep = new Int32Array(64);
  let requeued = 0;
  while (queue.size > 0) {
    const rank = queue.pop();
    // Its positions, oldest first (mostly ascending already: pairs are queued as a sweep meets them).
    let count = 0;
    for (let e = heads.get(rank)!; e >= 0; e = entries[e * 2 + 1]!) {
      if (count === sweep.length) {
        const grown = new Int32Array(sweep.length * 2);
        grown.set(sweep);
        sweep = grown;
      }
      sweep[count++] = entries[e * 2]!;
    }
    heads.delete(rank);
    const positions = sweep.subarray(0, count).reverse();
    if (!ascending(positions)) positions.sort();
    const left = t.leftOf[rank]!;
    const right = t.rightOf[rank]!;
    const made = mergedId(t, rank);
    for (let k = 0; k < count; k++) {
      const pos = positions[k]!;
      const j = next[pos]!;
      // Still this rank's pair? (Merged away, or a neighbour changed, since it was queued: skip it.)
      if (!alive[pos] || j < 0 || symbols[pos] !== left || symbols[j] !== right) continue;
      symbols[pos] = made;
      alive[j] = 0;
      const after = next[j]!;
      next[pos] = after;
      if (after >= 0) prev[after] = pos;
      const before = prev[pos]!;
      // Monotone: both new pairs rank after this one, so they wait for a later sweep.
      let outranks = false;
      if (before >= 0) {
        const r = pairRank(t, symbols[before]!, made);
        if (r !== NO_RANK) add(r, before);
        outranks ||= r < rank;
      }
      if (after >= 0) {
        const r = pairRank(t, made, symbols[after]!);
        if (r !== NO_RANK) add(r, pos);
        outranks ||= r < rank;
      }
      if (outranks) {
        // Not monotone here: a new pair outranks this rank, and the reference takes it before the rest of this
        // sweep, so the rest goes back to the queue (positions this rank gains meanwhile are sorted in with it).
        for (let q = k + 1; q < count; q++) add(rank, positions[q]!);
        requeued += count - k - 1;
        break;
      }
    }
    // Requeued too often (a word where most merges outrank the one before): the heap for the rest of it.
    if (requeued > budget) return heapFrom(t, symbols, list, out);
  }
  for (let i = 0; i >= 0; i = next[i]!) out.push(symbols[i]!);
}

function ascending(a: Int32Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i - 1]! > a[i]!) return false;
  return true;
}

/** A binary min-heap of ranks (each rank pushed once while it has pending positions). */
class RankHeap {
  private items = new Int32Array(64);
  size = 0;

  push(rank: number): void {
    if (this.size === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    const a = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= rank) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = rank;
  }

  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a[--this.size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && a[child + 1]! < a[child]!) child++;
      if (a[child]! >= last) break;
      a[i] = a[child]!;
      i = child;
    }
    a[i] = last;
    return top;
  }
}

/**
 * The general order: a binary heap keyed (rank, position). Entries go stale when a neighbour merges; a popped entry is
 * used only if the pair at its position is still the one it was queued as.
 */
function mergeByHeap(t: MergeTable, symbols: Int32Array, n: number, out: number[]): void {
  heapFrom(t, symbols, linkedList(n), out);
}

/** The heap order from any state of the list (every adjacent pair queued; the list may be partly merged). */
function heapFrom(t: MergeTable, symbols: Int32Array, list: LinkedList, out: number[]): void {
  const { next, prev, alive } = list;
  const heap = new PairHeap(next.length);
  for (let i = 0; i >= 0 && next[i]! >= 0; i = next[i]!) {
    const r = pairRank(t, symbols[i]!, symbols[next[i]!]!);
    if (r !== NO_RANK) heap.push(r, i, symbols[i]!, symbols[next[i]!]!);
  }
  while (heap.size > 0) {
    const rank = heap.ranks[0]!;
    const pos = heap.poss[0]!;
    const leftSym = heap.lefts[0]!;
    const rightSym = heap.rights[0]!;
    heap.pop();
    const j = next[pos]!;
    if (!alive[pos] || j < 0 || symbols[pos] !== leftSym || symbols[j] !== rightSym) continue;
    const made = mergedId(t, rank);
    symbols[pos] = made;
    alive[j] = 0;
    const k = next[j]!;
    next[pos] = k;
    if (k >= 0) prev[k] = pos;
    const p = prev[pos]!;
    if (p >= 0) {
      const r = pairRank(t, symbols[p]!, made);
      if (r !== NO_RANK) heap.push(r, p, symbols[p]!, made);
    }
    if (k >= 0) {
      const r = pairRank(t, made, symbols[k]!);
      if (r !== NO_RANK) heap.push(r, pos, made, symbols[k]!);
    }
  }
  for (let i = 0; i >= 0; i = next[i]!) out.push(symbols[i]!);
}

/** A binary min-heap of (rank, position, left symbol, right symbol) ordered by rank, then position. */
class PairHeap {
  ranks: Int32Array;
  poss: Int32Array;
  lefts: Int32Array;
  rights: Int32Array;
  size = 0;

  constructor(capacity: number) {
    const c = Math.max(4, capacity);
    this.ranks = new Int32Array(c);
    this.poss = new Int32Array(c);
    this.lefts = new Int32Array(c);
    this.rights = new Int32Array(c);
  }

  push(rank: number, pos: number, left: number, right: number): void {
    if (this.size === this.ranks.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(rank, pos, this.ranks[parent]!, this.poss[parent]!)) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, rank, pos, left, right);
  }

  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    const rank = this.ranks[last]!;
    const pos = this.poss[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && before(this.ranks[child + 1]!, this.poss[child + 1]!, this.ranks[child]!, this.poss[child]!)) child++;
      if (!before(this.ranks[child]!, this.poss[child]!, rank, pos)) break;
      this.move(child, i);
      i = child;
    }
    this.set(i, rank, pos, this.lefts[last]!, this.rights[last]!);
  }

  private move(from: number, to: number): void {
    this.set(to, this.ranks[from]!, this.poss[from]!, this.lefts[from]!, this.rights[from]!);
  }

  private set(i: number, rank: number, pos: number, left: number, right: number): void {
    this.ranks[i] = rank;
    this.poss[i] = pos;
    this.lefts[i] = left;
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
    this.lefts = grow(this.lefts);
    this.rights = grow(this.rights);
  }
}

const before = (ra: number, pa: number, rb: number, pb: number): boolean => ra < rb || (ra === rb && pa < pb);

/** For tests: the heap order even when the table is monotone (the two must agree). */
export function mergeLongByHeap(t: MergeTable, symbols: Int32Array, n: number, out: number[]): void {
  mergeByHeap(t, symbols, n, out);
}
