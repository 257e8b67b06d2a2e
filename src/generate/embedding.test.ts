import { describe, it, expect } from 'vitest';
import { embedTokens, truncateEmbedding, toBase64 } from './embedding.ts';

const words = (s: string): string[] => s.split(/(?= )/);
const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * (b[i] as number), 0);
const norm = (a: Float32Array): number => Math.sqrt(cosine(a, a));

describe('embedTokens', () => {
  it('returns unit-length deterministic vectors', () => {
    const a = embedTokens(words('the cache keeps recent prompts'), 256);
    expect(norm(a)).toBeCloseTo(1, 5);
    expect(embedTokens(words('the cache keeps recent prompts'), 256)).toEqual(a);
  });

  it('scores lexically similar texts above unrelated ones', () => {
    const q = embedTokens(words('how does the prefix cache work'), 1024);
    const near = embedTokens(words('the prefix cache keeps recent prompts'), 1024);
    const far = embedTokens(words('bananas grow in tropical climates'), 1024);
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far) + 0.2);
  });

  it('truncates Matryoshka-style to a unit vector and encodes little-endian float32', () => {
    const full = embedTokens(words('hello world'), 64);
    const short = truncateEmbedding(full, 16);
    expect(short).toHaveLength(16);
    expect(norm(short)).toBeCloseTo(1, 5);
    const bytes = Buffer.from(toBase64(short), 'base64');
    expect(bytes.readFloatLE(4)).toBe(short[1]);
  });
});
