/**
 * @module Deterministic logprobs for generated and prompt tokens: at every position a ranked distribution (sorted,
 * summing below 1, the rest being the unlisted tail) and the token's rank in it. They come from their own random
 * stream, so asking for them never changes the text.
 */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { proseChain } from './chains.ts';
import type { Rng } from './rng.ts';

export interface Candidate {
  readonly id: number;
  readonly logprob: number;
}

/** One position: the token's logprob and 1-based rank, and the `k` most likely tokens (sorted, the token among them when its rank is ≤ k). */
export interface TokenLogprob {
  readonly id: number;
  readonly logprob: number;
  readonly rank: number;
  readonly top: readonly Candidate[];
}

/** How the engine picked the generated tokens (vLLM reports raw logprobs: the listed distribution ignores these). */
export interface Sampling {
  readonly temperature: number;
  /** 0 or -1: off. */
  readonly topK: number;
  readonly topP: number;
}

/** vLLM's `_SAMPLING_EPS`: below it the request is greedy. */
const GREEDY_EPS = 1e-5;
/** Ranks whose probabilities are drawn at every position, whatever `k` (the sampled rank is chosen among them or the tail). */
const MIN_RANKS = 8;

/** Logprobs for every generated token with `k` alternatives (k may be 0); at temperature 0 every token is the most likely one. */
export function generatedLogprobs(tokenizer: Tokenizer, rng: Rng, tokenIds: readonly number[], k: number, sampling: Sampling): TokenLogprob[] {
  const pool = proseChain(tokenizer).pool;
  return tokenIds.map((id) => positionLogprob(rng, pool, tokenizer.vocabSize, id, k, sampling));
}

/** The greedy-free sampling nature uses for text it did not generate (prompt tokens): the raw distribution. */
const NATURE: Sampling = { temperature: 1, topK: 0, topP: 1 };

/** Prompt positions (null for the first, which has no context), each with `k` alternatives; one list serves echo and `prompt_logprobs`. */
export function promptLogprobs(tokenizer: Tokenizer, rng: Rng, promptIds: readonly number[], k: number): (TokenLogprob | null)[] {
  const pool = proseChain(tokenizer).pool;
  return promptIds.map((id, i) => (i === 0 ? null : positionLogprob(rng, pool, tokenizer.vocabSize, id, k, NATURE)));
}

export type PromptLogprobEntry = Record<string, { logprob: number; rank: number; decoded_token: string }>;

/** vLLM's `prompt_logprobs` wire entry: the prompt token first (with its rank), then the top `k` not already listed. */
export function promptLogprobEntry(tokenizer: Tokenizer, e: TokenLogprob | null, k: number): PromptLogprobEntry | null {
  if (e === null) return null;
  const entry: PromptLogprobEntry = { [String(e.id)]: { logprob: e.logprob, rank: e.rank, decoded_token: tokenizer.tokenText(e.id) } };
  e.top.slice(0, k).forEach((c, i) => {
    if (c.id !== e.id) entry[String(c.id)] = { logprob: c.logprob, rank: i + 1, decoded_token: tokenizer.tokenText(c.id) };
  });
  return entry;
}

function positionLogprob(rng: Rng, pool: readonly number[], vocabSize: number, id: number, k: number, sampling: Sampling): TokenLogprob {
  const n = Math.max(k, MIN_RANKS);
  const probs = rankedProbabilities(rng, n);
  const tail = 1 - probs.reduce((s, p) => s + p, 0);
  const rank = sampledRank(rng(), probs, tail, sampling);
  // A tail token is less likely than every listed one and than the tail itself, so adding it keeps the sum below 1.
  const tailShare = 0.2 + 0.6 * rng();
  const tokenProb = rank <= n ? (probs[rank - 1] as number) : Math.min(probs[n - 1] as number, tail) * tailShare;
  const logprob = roundDown(Math.log(tokenProb));
  const top: Candidate[] = [];
  const used = new Set<number>([id]);
  for (let r = 1; r <= k; r++) {
    if (r === rank) {
      top.push({ id, logprob });
      continue;
    }
    top.push({ id: alternative(rng, pool, vocabSize, used), logprob: roundDown(Math.log(probs[r - 1] as number)) });
  }
  return { id, logprob, rank: rank <= n ? rank : n + 1 + Math.floor(rng() * 50), top };
}

/**
 * Probabilities of ranks 1..n: the first is confident at most positions (as language models are), each next one is a
 * fraction of the previous one and of what is left — sorted, and their sum stays below 1.
 */
function rankedProbabilities(rng: Rng, n: number): number[] {
  const probs: number[] = [];
  let remaining = 1;
  let prev = 1;
  for (let i = 0; i < n; i++) {
    const u = rng();
    // Below the previous rank by a random factor (no ties), and below a share of the mass still free.
    const p = i === 0 ? 0.3 + 0.69 * Math.sqrt(u) : Math.min(prev * (0.3 + 0.65 * u), remaining * (0.35 + 0.5 * (1 - u)));
    probs.push(p);
    remaining -= p;
    prev = p;
  }
  return probs;
}

/** Rank of the token the engine sampled: 1 when greedy, else drawn from the distribution after temperature, top-k and top-p (n + 1: the tail). */
function sampledRank(u: number, probs: readonly number[], tail: number, { temperature, topK, topP }: Sampling): number {
  if (temperature < GREEDY_EPS) return 1;
  const kept = topK > 0 ? Math.min(topK, probs.length) : probs.length;
  const weights = probs.slice(0, kept).map((p) => p ** (1 / temperature));
  if (kept === probs.length && (topK <= 0 || topK > probs.length)) weights.push(tail ** (1 / temperature));
  const total = weights.reduce((s, w) => s + w, 0);
  // top-p: the smallest prefix of ranks whose (tempered) mass reaches top_p.
  let nucleus = weights.length;
  let mass = 0;
  for (let i = 0; i < weights.length; i++) {
    mass += (weights[i] as number) / total;
    if (mass >= topP) {
      nucleus = i + 1;
      break;
    }
  }
  const nucleusTotal = weights.slice(0, nucleus).reduce((s, w) => s + w, 0);
  let acc = 0;
  for (let i = 0; i < nucleus; i++) {
    acc += (weights[i] as number) / nucleusTotal;
    if (u < acc) return i + 1;
  }
  return nucleus;
}

/** A token not listed yet at this position: from the prose pool, or the first free vocabulary id when the pool runs dry. */
function alternative(rng: Rng, pool: readonly number[], vocabSize: number, used: Set<number>): number {
  for (let tries = 0; tries < 8; tries++) {
    const alt = pool[Math.floor(rng() * pool.length)] as number;
    if (!used.has(alt)) {
      used.add(alt);
      return alt;
    }
  }
  let alt = 0;
  while (used.has(alt) && alt < vocabSize) alt++;
  used.add(alt);
  return alt;
}

/**
 * Rounded down to 6 decimals, so the wire bytes are short, rounding never lifts a sum above 1 and order is kept; never
 * integral (Python would print `-1.0`, JS `-1`).
 */
function roundDown(x: number): number {
  const r = Math.floor(x * 1e6) / 1e6;
  return Number.isInteger(r) ? r - 1e-6 : r;
}
