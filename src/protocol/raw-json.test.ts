import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { RawJson, stringifyWithRaw } from './raw-json.ts';

/** Replaces some subtrees of `value` by their JSON text (every third object or array met, in order). */
function withRaw(value: unknown, counter = { n: 0 }): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (counter.n++ % 3 === 0) return new RawJson(JSON.stringify(value));
  if (Array.isArray(value)) return value.map((v) => withRaw(v, counter));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRaw(v, counter)]));
}

describe('stringifyWithRaw', () => {
  it('equals JSON.stringify of the value the fragments encode, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const wrapped = { a: 1, body: withRaw(v), tail: [v] };
        expect(stringifyWithRaw(wrapped)).toBe(JSON.stringify({ a: 1, body: v, tail: [v] }));
      }),
      { numRuns: 300 },
    );
  });

  it('is exact when the body holds a string that looks like a fragment mark', () => {
    const clash = '\u0000llmsim:raw:0\u0000';
    const value = { text: clash, logprobs: new RawJson('{"x":[1,2]}'), other: [clash, new RawJson('null')] };
    expect(stringifyWithRaw(value)).toBe(JSON.stringify({ text: clash, logprobs: { x: [1, 2] }, other: [clash, null] }));
  });

  it('leaves a body without fragments as JSON.stringify makes it', () => {
    const value = { a: 'x', b: [1, null, { c: true }] };
    expect(stringifyWithRaw(value)).toBe(JSON.stringify(value));
  });
});
