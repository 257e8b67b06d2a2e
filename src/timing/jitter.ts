/**
 * @module Seeded per-step latency noise: a deterministic stream of standard normal draws (splitmix32 + Box–Muller),
 * so the same seed gives the same jitter on every run. Off unless a profile sets `jitter.cv`.
 */

/** A deterministic stream of uniform draws in (0, 1) (splitmix32). */
export function createUniform(seed: number): () => number {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    z = (z ^ (z >>> 16)) >>> 0;
    return (z + 0.5) / 4294967296;
  };
}

/** Returns a function giving the multiplier for the next step: max(0.2, 1 + cv·z). */
export function createJitter(cv: number, seed: number): () => number {
  const next = createUniform(seed);
  return () => {
    const u1 = next();
    const u2 = next();
    const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.max(0.2, 1 + cv * normal);
  };
}
