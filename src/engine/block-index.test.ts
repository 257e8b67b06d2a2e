import { describe, it, expect } from 'vitest';
import { BlockIndex } from './block-index.ts';

describe('block index', () => {
  it('agrees with a Map under random inserts, lookups and deletes, across growth and wrapped probe runs', () => {
    let seed = 7;
    const next = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0);
    const index = new BlockIndex(5000);
    const ref = new Map<string, number>();
    // Low words that share a few slots at the start and at the end of the table (long probe runs, some wrapping
    // round to the start), and uniform ones; the high word tells keys apart.
    const lowWord = (i: number): number => (i % 4 === 0 ? next() % 64 : i % 4 === 1 ? 0xffffffff - (next() % 64) : next());
    const keys = Array.from({ length: 6000 }, (_, i) => [next(), lowWord(i)] as const);
    let mismatches = 0;
    for (let step = 0; step < 60_000; step++) {
      const [hi, lo] = keys[next() % keys.length] as readonly [number, number];
      const key = `${hi}:${lo}`;
      const op = next() % 3;
      if (op === 0 && !ref.has(key) && ref.size < 5000) {
        index.set(hi, lo, step);
        ref.set(key, step);
      } else if (op === 1) {
        index.delete(hi, lo);
        ref.delete(key);
      }
      if (index.get(hi, lo) !== (ref.get(key) ?? -1) || index.size !== ref.size) mismatches++;
    }
    for (const [hi, lo] of keys) if (index.get(hi, lo) !== (ref.get(`${hi}:${lo}`) ?? -1)) mismatches++;
    expect(mismatches).toBe(0);
    expect(ref.size).toBeGreaterThan(1000);
    index.clear();
    expect(index.size).toBe(0);
    expect(keys.filter(([hi, lo]) => index.get(hi, lo) !== -1)).toEqual([]);
  });
});
