import { describe, it, expect } from 'vitest';
import { createKvCache } from './kv-cache.ts';
import { createSequences } from './sequence.ts';
import { chainedBlockHashes } from './block-hash.ts';
import type { EngineRequest, EngineSink } from './types.ts';

const sink: EngineSink = { onTokens: () => {}, onFinished: () => {} };
const prompt = Array.from({ length: 100 }, (_, i) => (i * 7919) % 151_000);
const request = (extra: Partial<EngineRequest>): EngineRequest => ({
  requestId: 'r',
  promptTokenIds: prompt,
  sequences: [{ outputTokens: 4, finishReason: 'length' }],
  priority: 0,
  maxTokens: 4,
  ...extra,
});

describe('prompt block hashes', () => {
  const kv = createKvCache({ totalBlocks: 64, blockSize: 16, enablePrefixCaching: true });

  it('are the cache’s own: full blocks only, chained, salted', () => {
    const hashes = chainedBlockHashes(prompt, '', 16);
    expect(hashes).toHaveLength(6);
    expect(kv.blockHashes(prompt, '')).toEqual(hashes);
    expect(chainedBlockHashes(prompt, 'salt', 16)[0]).not.toBe(hashes[0]);
    // Chained: a change in the first block changes every later hash.
    const changed = chainedBlockHashes([1, ...prompt.slice(1)], '', 16);
    expect(changed.every((h, i) => h !== hashes[i])).toBe(true);
  });

  it('computed by a preparation worker are taken when block size and salt match, else recomputed', () => {
    const pre = { blockSize: 16, salt: 's', hashes: chainedBlockHashes(prompt, 's', 16) };
    expect(createSequences(request({ cacheSalt: 's', prefixHashes: pre }), sink, 0, 0, kv).hashes).toBe(pre.hashes);
    const otherSize = { blockSize: 32, salt: 's', hashes: chainedBlockHashes(prompt, 's', 32) };
    expect(createSequences(request({ cacheSalt: 's', prefixHashes: otherSize }), sink, 0, 0, kv).hashes).toEqual(pre.hashes);
    expect(createSequences(request({ prefixHashes: pre }), sink, 0, 0, kv).hashes).toEqual(kv.blockHashes(prompt, ''));
    const off = createKvCache({ totalBlocks: 64, blockSize: 16, enablePrefixCaching: false });
    expect(createSequences(request({ cacheSalt: 's', prefixHashes: pre }), sink, 0, 0, off).hashes).toEqual([]);
  });
});
