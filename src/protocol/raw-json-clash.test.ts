/** @module stringifyWithRaw with a body string that contains a fragment mark after a quote: exact (no splice into it). */
import { describe, it, expect } from 'vitest';
import { RawJson, stringifyWithRaw } from './raw-json.ts';

describe('stringifyWithRaw', () => {
  it('is exact when a body string holds a quote followed by a mark (not at its start)', () => {
    // Client text (an echoed prompt or message) that precedes the fragment in key order.
    const text = 'x"\u0000llmsim:raw:0\u0000';
    const value = { text, logprobs: new RawJson('{"x":[1,2]}') };
    const out = stringifyWithRaw(value);
    expect(out).toBe(JSON.stringify({ text, logprobs: { x: [1, 2] } }));
  });
});
