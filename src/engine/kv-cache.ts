/**
 * @module Paged KV cache with prefix caching, as vLLM V1's block pool: fixed-size blocks, reference counts, chained hashes
 * of full prompt blocks, and an LRU queue of free blocks whose cached contents stay reusable until evicted.
 */
import { blockCount, blockId, chainedBlockHashes, NO_BLOCK_HASHES, type BlockHashes } from './block-hash.ts';
import { BlockIndex } from './block-index.ts';

export interface KvCache {
  readonly blockSize: number;
  readonly totalBlocks: number;
  /** False: nothing is cached across requests (`--no-enable-prefix-caching`), and prompts have no block hashes. */
  readonly prefixCaching: boolean;
  usedBlocks(): number;
  freeBlocks(): number;
  /** Fraction of the blocks in use (vLLM's `kv_cache_usage_perc`); 0 for an empty pool. */
  usage(): number;
  /** Hashes of the full blocks of `tokens` (chained, salted), computed once per request. */
  blockHashes(tokens: readonly number[], salt: string): BlockHashes;
  /**
   * Tokens of a new sequence (`totalTokens` known: prompt plus any generated before a preemption) already in the
   * cache: its longest run of cached full blocks, never all of it (the last token is computed, for its logits).
   * vLLM's `get_computed_blocks`; nothing is taken.
   */
  computedTokens(hashes: BlockHashes, totalTokens: number): number;
  /**
   * Blocks for a sequence's first step (vLLM's `allocate_slots` for a new request): the cached blocks of its first
   * `cachedTokens` (a `computedTokens` answer, or 0) taken, and fresh ones up to `holdTokens`. Null when the pool
   * cannot hold them: then nothing is taken.
   */
  admit(hashes: BlockHashes, cachedTokens: number, holdTokens: number): number[] | null;
  /**
   * Grows a running sequence's `blocks` (in place) to hold `holdTokens` tokens (vLLM's `allocate_slots` for a running
   * request); false, and `blocks` unchanged, when too few blocks are free (the scheduler then preempts).
   */
  reserve(blocks: number[], holdTokens: number): boolean;
  /**
   * Registers the prompt's full blocks among its first `computedPromptTokens` tokens, from block `from` on, so later
   * requests can reuse them; returns how many blocks are registered now. `prompt` and `lora` say where they came
   * from, for KV-cache event listeners.
   */
  registerPrompt(
    blocks: readonly number[],
    hashes: BlockHashes,
    from: number,
    computedPromptTokens: number,
    prompt?: readonly number[],
    lora?: string | null,
  ): number;
  /** vLLM's reset_prefix_cache: forgets every cached block; false (nothing done) while blocks are in use. */
  resetPrefixCache(): boolean;
  /** Releases blocks (refcount--); cached ones stay reusable until evicted. */
  release(blocks: readonly number[]): void;
}

/**
 * Told what the prefix cache stores and evicts, as vLLM's KV-cache events (BlockStored / BlockRemoved /
 * AllBlocksCleared); blocks by their 64-bit ids (block-hash.ts `blockId`).
 */
export interface KvCacheListener {
  stored(hash: bigint, parent: bigint | null, tokens: readonly number[], lora: string | null): void;
  removed(hash: bigint): void;
  cleared(): void;
}

export interface KvCacheOptions {
  readonly totalBlocks: number;
  readonly blockSize: number;
  readonly enablePrefixCaching: boolean;
  readonly listener?: KvCacheListener;
}

export function createKvCache({ totalBlocks, blockSize, enablePrefixCaching, listener }: KvCacheOptions): KvCache {
  const refs = new Int32Array(totalBlocks);
  // Each block's hash while it holds a registered full block (`hashed`), as the index's two words.
  const hashHi = new Uint32Array(totalBlocks);
  const hashLo = new Uint32Array(totalBlocks);
  const hashed = new Uint8Array(totalBlocks);
  const byHash = new BlockIndex(totalBlocks);
  const free = new FreeQueue(totalBlocks);
  let used = 0;

  const take = (block: number): void => {
    if (refs[block] === 0) {
      free.remove(block);
      used++;
    }
    refs[block]!++;
  };

  /** Longest run of cached blocks at the start of `hashes` (at most `maxBlocks`), without taking them. */
  const cachedPrefix = (hashes: BlockHashes, maxBlocks: number): number => {
    const limit = Math.min(maxBlocks, blockCount(hashes));
    let n = 0;
    while (n < limit && byHash.get(hashes[2 * n] as number, hashes[2 * n + 1] as number) >= 0) n++;
    return n;
  };
  /** Takes the first `count` cached blocks of `hashes` (refcount++) and returns their ids. */
  const takeCached = (hashes: BlockHashes, count: number): number[] => {
    const blocks: number[] = [];
    for (let i = 0; i < count; i++) {
      const block = byHash.get(hashes[2 * i] as number, hashes[2 * i + 1] as number);
      take(block);
      blocks.push(block);
    }
    return blocks;
  };
  /** Allocates `count` fresh blocks (evicting LRU cached ones), or null when there are not enough. */
  const allocate = (count: number): number[] | null => {
    if (count > free.size) return null;
    const blocks: number[] = [];
    for (let i = 0, b = free.head; i < count; i++, b = free.next[b] as number) blocks.push(b);
    for (const block of blocks) {
      if (hashed[block] === 1) {
        const hi = hashHi[block] as number;
        const lo = hashLo[block] as number;
        if (byHash.get(hi, lo) === block) {
          byHash.delete(hi, lo);
          listener?.removed((BigInt(hi) << 32n) | BigInt(lo));
        }
        hashed[block] = 0;
      }
      take(block);
    }
    return blocks;
  };
  /** Registers computed full block `block`, the prompt's block number `index` (its hash is `hashes`' entry `index`). */
  const register = (block: number, hashes: BlockHashes, index: number, prompt?: readonly number[], lora?: string | null): void => {
    if (!enablePrefixCaching) return;
    const hi = hashes[2 * index] as number;
    const lo = hashes[2 * index + 1] as number;
    if (byHash.get(hi, lo) >= 0) return;
    byHash.set(hi, lo, block);
    hashHi[block] = hi;
    hashLo[block] = lo;
    hashed[block] = 1;
    if (listener && prompt) {
      listener.stored(
        blockId(hashes, index),
        index > 0 ? blockId(hashes, index - 1) : null,
        prompt.slice(index * blockSize, (index + 1) * blockSize),
        lora ?? null,
      );
    }
  };
  const release = (blocks: readonly number[]): void => {
    // Tail blocks first, so a prompt's leading (most shareable) blocks are evicted last, as in vLLM.
    for (let i = blocks.length - 1; i >= 0; i--) {
      const block = blocks[i] as number;
      if (--refs[block]! === 0) {
        used--;
        free.pushBack(block);
      }
    }
  };

  return {
    blockSize,
    totalBlocks,
    usedBlocks: () => used,
    freeBlocks: () => free.size,
    usage: () => (totalBlocks > 0 ? used / totalBlocks : 0),
    prefixCaching: enablePrefixCaching,
    blockHashes: (tokens, salt) => (enablePrefixCaching ? chainedBlockHashes(tokens, salt, blockSize) : NO_BLOCK_HASHES),
    computedTokens: (hashes, totalTokens) => cachedPrefix(hashes, Math.floor((totalTokens - 1) / blockSize)) * blockSize,
    admit(hashes, cachedTokens, holdTokens) {
      const hit = cachedTokens / blockSize;
      const taken = takeCached(hashes, hit);
      const fresh = allocate(Math.ceil(holdTokens / blockSize) - hit);
      if (fresh === null) {
        release(taken);
        return null;
      }
      for (const block of fresh) taken.push(block);
      return taken;
    },
    reserve(blocks, holdTokens) {
      const missing = Math.ceil(holdTokens / blockSize) - blocks.length;
      if (missing <= 0) return true;
      const fresh = allocate(missing);
      if (fresh === null) return false;
      for (const block of fresh) blocks.push(block);
      return true;
    },
    registerPrompt(blocks, hashes, from, computedPromptTokens, prompt, lora) {
      const full = Math.floor(computedPromptTokens / blockSize);
      for (let b = from; b < full; b++) register(blocks[b] as number, hashes, b, prompt, lora);
      return Math.max(from, full);
    },
    resetPrefixCache() {
      if (used > 0) return false;
      byHash.clear();
      hashed.fill(0);
      listener?.cleared();
      return true;
    },
    release,
  };
}

/**
 * Free blocks in LRU order as an intrusive doubly linked list over typed arrays: allocation takes from the head,
 * release appends at the tail, and a cached block that gets reused leaves from the middle, all in O(1).
 */
class FreeQueue {
  readonly next: Int32Array;
  readonly prev: Int32Array;
  head = -1;
  private tail = -1;
  size = 0;

  constructor(capacity: number) {
    this.next = new Int32Array(capacity).fill(-1);
    this.prev = new Int32Array(capacity).fill(-1);
    for (let i = 0; i < capacity; i++) this.pushBack(i);
  }

  pushBack(block: number): void {
    this.prev[block] = this.tail;
    this.next[block] = -1;
    if (this.tail >= 0) this.next[this.tail] = block;
    else this.head = block;
    this.tail = block;
    this.size++;
  }

  remove(block: number): void {
    const p = this.prev[block] as number;
    const n = this.next[block] as number;
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
    this.prev[block] = -1;
    this.next[block] = -1;
    this.size--;
  }
}
