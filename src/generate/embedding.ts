/**
 * @module Deterministic embeddings by feature hashing: each token (lower-cased text) and each adjacent pair adds a signed
 * weight to one hashed coordinate per power-of-two prefix, then the vector is L2-normalised. Texts that share words get a higher cosine.
 */

/** FNV-1a 32-bit: fast, stable across runs and platforms. */
function fnv1a(text: string, salt: number): number {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Unit-length float32 vector of `dims` for the given token texts (already decoded). */
/** Width of every simulated embedding (`dimensions` truncates it, Matryoshka style). */
export const EMBEDDING_DIMS = 1024;

export function embedTokens(tokenTexts: readonly string[], dims: number): Float32Array {
  const v = new Float64Array(dims);
  const words = tokenTexts.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0);
  // Each feature lands at every power-of-two scale, so any prefix keeps signal (Matryoshka truncation).
  const scales: number[] = [];
  for (let s = 4; s < dims; s *= 2) scales.push(s);
  scales.push(dims);
  const add = (feature: string, weight: number): void => {
    const h = fnv1a(feature, 0);
    const sign = h & 0x80000000 ? -1 : 1;
    for (const s of scales) v[fnv1a(feature, s) % s]! += sign * weight;
  };
  words.forEach((w, i) => {
    add(`u:${w}`, 1);
    if (i > 0) add(`b:${words[i - 1]} ${w}`, 0.5);
  });
  if (words.length === 0) add('u:<empty>', 1);
  return normalise(v, dims);
}

/** Matryoshka-style truncation: the first `dims` coordinates, renormalised. */
export function truncateEmbedding(full: Float32Array, dims: number): Float32Array {
  return normalise(Float64Array.from(full.subarray(0, dims)), dims);
}

function normalise(v: Float64Array, dims: number): Float32Array {
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += v[i]! * v[i]!;
  norm = Math.sqrt(norm) || 1;
  const out = new Float32Array(dims);
  for (let i = 0; i < dims; i++) out[i] = v[i]! / norm;
  return out;
}

/** Base64 of the raw little-endian float32 bytes (what the OpenAI SDKs decode). */
export function toBase64(vector: Float32Array): string {
  const buf = Buffer.alloc(vector.length * 4);
  for (let i = 0; i < vector.length; i++) buf.writeFloatLE(vector[i]!, i * 4);
  return buf.toString('base64');
}
