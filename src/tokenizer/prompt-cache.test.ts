import { describe, it, expect } from 'vitest';
import { PromptCache } from './prompt-cache.ts';

describe('PromptCache', () => {
  it('keeps what was used within the last `capacity` inserts', () => {
    const cache = new PromptCache<number>(4);
    for (let i = 0; i < 4; i++) cache.set(`k${i}`, i);
    expect(cache.peek('k0')).toBe(0);
    for (let i = 4; i < 12; i++) cache.set(`k${i}`, i);
    expect(cache.peek('k1')).toBeUndefined();
    expect(cache.peek('k11')).toBe(11);
  });

  it('stays under its byte budget with unique long prompts, and never keeps an entry over an eighth of it', () => {
    const maxBytes = 1_000_000;
    const cache = new PromptCache<number[]>({ capacity: 2048, maxBytes, sizeOf: (k, ids) => k.length * 2 + ids.length * 8 });
    const ids = new Array<number>(2_000).fill(7);
    let held = 0;
    for (let i = 0; i < 500; i++) {
      cache.set(`prompt ${i} ${'x'.repeat(10_000)}`, ids);
      held = Math.max(held, cache.size());
    }
    // Each entry is ~36 KB: the budget holds at most ~27 of them over both generations, far from 2 × 2048.
    expect(held * 36_000).toBeLessThanOrEqual(maxBytes * 1.1);
    expect(cache.peek(`prompt 499 ${'x'.repeat(10_000)}`)).toBe(ids);
    cache.set('huge', new Array<number>(20_000).fill(1));
    expect(cache.peek('huge')).toBeUndefined();
  });
});
