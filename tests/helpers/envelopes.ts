/** @module The error envelope of each dialect, asserted exactly by the fuzzers (tests/hardening/fuzz-*.test.ts). */
import { expect } from 'vitest';
import type { Dialect } from '../../src/http/routes.ts';

export interface Answer {
  readonly status: number;
  readonly text: string;
}

/** The error body each dialect's clients parse (protocol.md A.2, A.13; Ollama's bare string). */
export function expectEnvelope(dialect: Dialect, a: Answer): void {
  const parsed = JSON.parse(a.text) as Record<string, unknown>;
  const where = `${a.status} ${a.text.slice(0, 300)}`;
  if (dialect === 'ollama') {
    expect(Object.keys(parsed), where).toEqual(['error']);
    expect(typeof parsed['error'], where).toBe('string');
    return;
  }
  if (dialect === 'anthropic') {
    expect(Object.keys(parsed).sort(), where).toEqual(['error', 'type']);
    expect(parsed['type'], where).toBe('error');
    const e = parsed['error'] as Record<string, unknown>;
    expect(Object.keys(e).sort(), where).toEqual(['message', 'type']);
    expect(typeof e['type'], where).toBe('string');
    expect(typeof e['message'], where).toBe('string');
    return;
  }
  expect(Object.keys(parsed), where).toEqual(['error']);
  const e = parsed['error'] as Record<string, unknown>;
  expect(Object.keys(e).sort(), where).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof e['message'], where).toBe('string');
  expect(typeof e['type'], where).toBe('string');
  expect(e['param'] === null || typeof e['param'] === 'string', where).toBe(true);
  expect(e['code'], where).toBe(a.status);
}
