/** @module Deterministic logprobs for generated and prompt tokens. They come from their own random stream, so asking for them never changes the text. */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { proseChain } from './chains.ts';
import type { Rng } from './rng.ts';

export interface Candidate {
  readonly id: number;
  readonly logprob: number;
}

/** The sampled token's logprob and the top-k list (sampled token first: it is the mode of our toy distribution). */
export interface TokenLogprob {
  readonly id: number;
  readonly logprob: number;
  readonly top: readonly Candidate[];
}

/** Logprobs for every generated token; `k` alternatives each (k may be 0). */
export function generatedLogprobs(tokenizer: Tokenizer, rng: Rng, tokenIds: readonly number[], k: number): TokenLogprob[] {
  const pool = proseChain(tokenizer).pool;
  return tokenIds.map((id) => {
    const logprob = roundLogprob(-(rng() ** 3) * 2.5 - 1e-4);
    const top: Candidate[] = k > 0 ? [{ id, logprob }] : [];
    let last = logprob;
    for (let tries = 0; top.length < k && tries < k * 4; tries++) {
      const alt = pool[Math.floor(rng() * pool.length)] as number;
      if (top.some((c) => c.id === alt)) continue;
      last = roundLogprob(last - 0.05 - rng() * 2);
      top.push({ id: alt, logprob: last });
    }
    return { id, logprob, top };
  });
}

/** `prompt_logprobs`: null for the first position, then the prompt token (with its rank) and k alternatives. */
export function promptLogprobEntries(tokenizer: Tokenizer, rng: Rng, promptIds: readonly number[], k: number): (Record<string, { logprob: number; rank: number; decoded_token: string }> | null)[] {
  const pool = proseChain(tokenizer).pool;
  return promptIds.map((id, i) => {
    if (i === 0) return null;
    const entry: Record<string, { logprob: number; rank: number; decoded_token: string }> = {};
    const rank = 1 + Math.floor(rng() ** 4 * 50);
    const logprob = roundLogprob(-rng() * 6 - 1e-4);
    entry[String(id)] = { logprob, rank, decoded_token: tokenizer.tokenText(id) };
    let last = rank === 1 ? logprob : Math.min(-1e-3, logprob + 0.5);
    for (let r = 1, tries = 0; Object.keys(entry).length < k + 1 && tries < k * 4; tries++) {
      const alt = pool[Math.floor(rng() * pool.length)] as number;
      if (String(alt) in entry) continue;
      if (r === rank) r++;
      entry[String(alt)] = { logprob: roundLogprob(last), rank: r, decoded_token: tokenizer.tokenText(alt) };
      last -= 0.1 + rng();
      r++;
    }
    return entry;
  });
}

/** Rounded so the wire bytes are short and never integral (Python would print `-1.0`, JS `-1`). */
function roundLogprob(x: number): number {
  const r = Math.round(x * 1e6) / 1e6;
  return Number.isInteger(r) ? r - 1e-6 : r;
}
