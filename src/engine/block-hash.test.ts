import { describe, it, expect } from 'vitest';
import { createKvCache } from './kv-cache.ts';
import { createSequences } from './sequence.ts';
import { hash } from 'node:crypto';
import fc from 'fast-check';
import { blockCount, blockId, chainedBlockHashes, idText } from './block-hash.ts';
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
    expect(blockCount(hashes)).toBe(6);
    expect(kv.blockHashes(prompt, '')).toEqual(hashes);
    expect(blockId(chainedBlockHashes(prompt, 'salt', 16), 0)).not.toBe(blockId(hashes, 0));
    // Chained: a change in the first block changes every later hash.
    const changed = chainedBlockHashes([1, ...prompt.slice(1)], '', 16);
    expect(Array.from({ length: 6 }, (_, i) => blockId(changed, i) !== blockId(hashes, i))).toEqual(Array(6).fill(true));
  });

  it('computed by a preparation worker are taken when block size and salt match, else recomputed', () => {
    const pre = { blockSize: 16, salt: 's', hashes: chainedBlockHashes(prompt, 's', 16) };
    expect(createSequences(request({ cacheSalt: 's', prefixHashes: pre }), sink, 0, 0, kv).hashes).toBe(pre.hashes);
    const otherSize = { blockSize: 32, salt: 's', hashes: chainedBlockHashes(prompt, 's', 32) };
    expect(createSequences(request({ cacheSalt: 's', prefixHashes: otherSize }), sink, 0, 0, kv).hashes).toEqual(pre.hashes);
    expect(createSequences(request({ prefixHashes: pre }), sink, 0, 0, kv).hashes).toEqual(kv.blockHashes(prompt, ''));
    const off = createKvCache({ totalBlocks: 64, blockSize: 16, enablePrefixCaching: false });
    expect(createSequences(request({ cacheSalt: 's', prefixHashes: pre }), sink, 0, 0, off).hashes).toHaveLength(0);
  });
});

/**
 * The definition: sha1(previous hash + the block's ids joined by commas), base64, the salt before the first block;
 * each block known by its digest's last 8 bytes (the ids KV-cache events publish), as two 32-bit words.
 */
function definition(tokens: readonly number[], salt: string, blockSize: number): Uint32Array {
  const out: number[] = [];
  let prev = salt;
  for (let end = blockSize; end <= tokens.length; end += blockSize) {
    prev = hash('sha1', prev + tokens.slice(end - blockSize, end).join(','), 'base64');
    const digest = Buffer.from(prev, 'base64');
    out.push(digest.readUInt32BE(12), digest.readUInt32BE(16));
  }
  return Uint32Array.from(out);
}

describe('block hashes from the id text', () => {
  it('equal the definition for any ids, salt and block size', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 300_000 }), { maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 20 }),
        fc.integer({ min: 1, max: 40 }),
        (ids, salt, blockSize) => {
          expect(chainedBlockHashes(ids, salt, blockSize)).toEqual(definition(ids, salt, blockSize));
        },
      ),
      { numRuns: 300, seed: 4 },
    );
  });

  it('spell ids as join does, also ids that are not small non-negative integers', () => {
    const decode = (ids: readonly number[]): string => Buffer.from(idText(ids).bytes).toString('latin1');
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constant(2 ** 31), fc.constant(2 ** 32 + 3)), { maxLength: 50 }), (ids) => {
        expect(decode(ids)).toBe(ids.join(','));
        expect(chainedBlockHashes(ids, 'ß', 3)).toEqual(definition(ids, 'ß', 3));
        const text = idText(ids);
        ids.forEach((_id, i) => expect(text.ends[i]).toBe(ids.slice(0, i + 1).join(',').length));
      }),
      { numRuns: 300, seed: 5 },
    );
    expect(decode([])).toBe('');
    expect(decode([0, 9, 10, 99, 100, 2147483647])).toBe('0,9,10,99,100,2147483647');
  });
});
