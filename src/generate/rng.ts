/**
 * @module Seeded random streams. Every choice gets its own generator derived from (global seed, request key, choice,
 * purpose), never a shared one, so output does not depend on what else runs.
 */
import { hash } from 'node:crypto';
import seedrandom from 'seedrandom';

export type Rng = () => number;

/** Stable hash of any JSON value (object keys sorted), hex. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** sha256 of a string, hex (one-shot: no Hash object per call). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** JSON with object keys sorted recursively, so equal values give equal strings whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** A generator for one purpose of one choice of one request. */
export function createRng(globalSeed: number, requestKey: string, choice: number, purpose: string): Rng {
  // Tyche-i seeds in a quarter of Alea's time (and a tiny fraction of ARC4's): it folds the seed string into its
  // 128-bit state and discards 20 outputs. 128 bits of the (sha256) request key keep streams distinct.
  return seedrandom.tychei(`${globalSeed}|${requestKey.slice(0, 32)}|${choice}|${purpose}`, { state: true });
}

type TycheState = seedrandom.State.Tychei;

/** True when `rng` can be forked (every stream from `createRng` can). */
export function canFork(rng: Rng): boolean {
  return typeof (rng as Partial<seedrandom.StatefulPRNG<TycheState>>).state === 'function';
}

/** The position of a `createRng` stream (four integers), to start an identical stream from later. */
export function rngState(rng: Rng): object {
  return (rng as seedrandom.StatefulPRNG<TycheState>).state();
}

/** A stream at a position taken by `rngState`: the same numbers from there on. */
export function rngFromState(state: object): Rng {
  return seedrandom.tychei('', { state: state as TycheState });
}

/** sha256 of a token-id list (hex), without building a JSON array first. */
export function idsHash(ids: readonly number[]): string {
  return hash('sha256', ids.join(','), 'hex');
}

/** Integer in [lo, hi] inclusive. */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** Standard normal via Box-Muller (deterministic given the stream). */
export function randNormal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}
