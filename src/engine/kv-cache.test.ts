import { describe, it, expect } from 'vitest';
import { createKvCache, type KvCacheListener } from './kv-cache.ts';

const prompt = (n: number, offset = 0): number[] => Array.from({ length: n }, (_, i) => offset + i);

function cache(totalBlocks = 8, listener?: KvCacheListener) {
  return createKvCache({ totalBlocks, blockSize: 4, enablePrefixCaching: true, ...(listener ? { listener } : {}) });
}

describe('KvCache, in requests', () => {
  it("finds a cached prefix in whole blocks and never the prompt's last token", () => {
    const kv = cache();
    const tokens = prompt(12);
    const hashes = kv.blockHashes(tokens, '');
    expect(kv.computedTokens(hashes, 12)).toBe(0);
    const blocks = kv.admit(hashes, 0, 12)!;
    expect(blocks).toHaveLength(3);
    expect(kv.registerPrompt(blocks, hashes, 0, 12, tokens)).toBe(3);
    // All three blocks are cached, but the last token must be computed: two blocks (8 tokens) count.
    expect(kv.computedTokens(hashes, 12)).toBe(8);
    // A longer prompt with the same start gets all three.
    expect(kv.computedTokens(kv.blockHashes(prompt(14), ''), 14)).toBe(12);
    expect(kv.computedTokens(kv.blockHashes(prompt(12, 1), ''), 12)).toBe(0);
  });

  it('admits with the cached blocks shared and fresh ones for the rest, or takes nothing', () => {
    const kv = cache(4);
    const tokens = prompt(9);
    const hashes = kv.blockHashes(tokens, '');
    const first = kv.admit(hashes, 0, 9)!;
    kv.registerPrompt(first, hashes, 0, 9, tokens);
    expect(kv.usedBlocks()).toBe(3);
    const cached = kv.computedTokens(hashes, 9);
    expect(cached).toBe(8);
    const second = kv.admit(hashes, cached, 9)!;
    // Two shared blocks, one fresh: 4 blocks in use of 4.
    expect(second.slice(0, 2)).toEqual(first.slice(0, 2));
    expect(kv.usedBlocks()).toBe(4);
    expect(kv.usage()).toBe(1);
    // No room for a third copy: null, and the shared blocks it would have taken are not held.
    const before = kv.usedBlocks();
    expect(kv.admit(hashes, cached, 9)).toBeNull();
    expect(kv.usedBlocks()).toBe(before);
    kv.release(second);
    kv.release(first);
    expect(kv.usedBlocks()).toBe(0);
    expect(kv.usage()).toBe(0);
  });

  it('grows a running sequence in place, and refuses without touching it when full', () => {
    const kv = cache(3);
    const blocks = kv.admit(kv.blockHashes(prompt(4), ''), 0, 4)!;
    expect(kv.reserve(blocks, 4)).toBe(true);
    expect(blocks).toHaveLength(1);
    expect(kv.reserve(blocks, 9)).toBe(true);
    expect(blocks).toHaveLength(3);
    expect(kv.reserve(blocks, 13)).toBe(false);
    expect(blocks).toHaveLength(3);
    expect(kv.freeBlocks()).toBe(0);
  });

  it('registers each full prompt block once, in order, and tells the listener', () => {
    const stored: number[][] = [];
    const kv = cache(8, { stored: (_h, _p, tokens) => void stored.push([...tokens]), removed: () => {}, cleared: () => {} });
    const tokens = prompt(10);
    const hashes = kv.blockHashes(tokens, '');
    const blocks = kv.admit(hashes, 0, 10)!;
    expect(kv.registerPrompt(blocks, hashes, 0, 3, tokens)).toBe(0);
    expect(kv.registerPrompt(blocks, hashes, 0, 5, tokens)).toBe(1);
    expect(kv.registerPrompt(blocks, hashes, 1, 10, tokens)).toBe(2);
    expect(kv.registerPrompt(blocks, hashes, 2, 10, tokens)).toBe(2);
    expect(stored).toEqual([prompt(4), prompt(4, 4)]);
  });

  it('evicts released cached blocks least recently used first, tail blocks of a prompt before its head', () => {
    const removed: bigint[] = [];
    const kv = cache(4, { stored: () => {}, removed: (h) => void removed.push(h), cleared: () => {} });
    const tokens = prompt(8);
    const hashes = kv.blockHashes(tokens, '');
    const blocks = kv.admit(hashes, 0, 8)!;
    kv.registerPrompt(blocks, hashes, 0, 8, tokens);
    kv.release(blocks);
    // Both blocks stay cached while free; taking three fresh blocks evicts one of them: the prompt's second.
    expect(kv.computedTokens(hashes, 9)).toBe(8);
    const other = kv.admit(kv.blockHashes(prompt(12, 100), ''), 0, 12)!;
    expect(other).toHaveLength(3);
    expect(removed).toHaveLength(1);
    expect(kv.computedTokens(hashes, 9)).toBe(4);
  });
});
