import { describe, it, expect } from 'vitest';
import { KEEP, RequestMemo, bodyFingerprint } from './request-memo.ts';
import type { ServerContext } from '../serving/context.ts';

const context = (configVersion = 0): ServerContext => ({ configVersion }) as unknown as ServerContext;
const bytes = (text: string): Uint8Array => {
  // At an odd offset inside a larger buffer, as a body read from a socket is.
  const whole = Buffer.alloc(text.length * 3 + 7);
  const n = whole.write(text, 3);
  return whole.subarray(3, 3 + n);
};

describe('request memo', () => {
  it('keeps a preparation only for a body seen before, and answers the third sighting from it', () => {
    const ctx = context();
    const memo = new RequestMemo<{ id: number }>();
    const body = bytes('{"model":"m","messages":[{"role":"user","content":"héllo"}]}');
    expect(memo.recall(ctx, body)).toBeNull();
    const second = memo.recall(ctx, body);
    expect(second).toEqual({ text: '{"model":"m","messages":[{"role":"user","content":"héllo"}]}', kept: KEEP });
    memo.set(ctx, (second as { text: string }).text, { id: 1 });
    expect(memo.recall(ctx, body)?.kept).toEqual({ id: 1 });
    // The same body as text (a fault rule by model decoded it first) has a fingerprint of its own, then the same entry.
    const text = '{"model":"m","messages":[{"role":"user","content":"héllo"}]}';
    expect(memo.recall(ctx, text)).toBeNull();
    expect(memo.recall(ctx, text)?.kept).toEqual({ id: 1 });
  });

  it('tells bodies apart, forgets on a configuration change, and never keeps long bodies', () => {
    const memo = new RequestMemo<{ id: number }>();
    const ctx = context();
    expect(memo.recall(ctx, bytes('{"a":1}'))).toBeNull();
    expect(memo.recall(ctx, bytes('{"a":2}'))).toBeNull();
    expect(memo.recall(ctx, bytes('{"a":1}'))?.kept).toBe(KEEP);
    memo.set(ctx, '{"a":1}', { id: 1 });
    expect(memo.recall(ctx, bytes('{"a":2}'))?.kept).toBe(KEEP);
    // A reload or LoRA change: everything seen and kept before is forgotten.
    (ctx as { configVersion: number }).configVersion = 1;
    expect(memo.recall(ctx, bytes('{"a":1}'))).toBeNull();
    const long = bytes(`{"p":"${'x'.repeat(20_000)}"}`);
    expect(memo.recall(ctx, long)).toBeNull();
    expect(memo.recall(ctx, long)).toBeNull();
  });

  it('fingerprints every byte: one changed byte anywhere changes it, wherever the body starts', () => {
    const text = `{"prompt":"${'abcdefghij'.repeat(500)}"}`;
    const base = bodyFingerprint(bytes(text));
    expect(bodyFingerprint(bytes(text))).toBe(base);
    expect(bodyFingerprint(Buffer.from(text))).toBe(base);
    const changed = new Set<number>();
    for (const at of [0, 1, 2, 3, 1000, 2501, text.length - 2, text.length - 1]) {
      const b = Buffer.from(bytes(text));
      b[at] = (b[at] as number) ^ 1;
      changed.add(bodyFingerprint(b));
    }
    expect(changed.size).toBe(8);
    expect(changed.has(base)).toBe(false);
    expect(bodyFingerprint(bytes(`${text} `))).not.toBe(base);
  });
});
