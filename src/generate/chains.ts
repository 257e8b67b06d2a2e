/** @module Word chains over real vocabulary tokens for prose answers (code is written by code-writer.ts). Built once per tokenizer. */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { PROSE_CORPUS } from './corpus.ts';
import { pick, type Rng } from './rng.ts';

/**
 * Prose: every piece is one token and every transition was checked to re-tokenize to the same two ids,
 * and pieces meet at pre-token boundaries (space-led words, bare punctuation), so any walk round-trips.
 */
export interface ProseChain {
  readonly starts: readonly number[];
  readonly sentenceStarts: readonly number[];
  readonly next: ReadonlyMap<number, readonly number[]>;
  readonly fullStop: number;
  /** Tokens that may follow the previous one, for top-logprob alternatives. */
  readonly pool: readonly number[];
}

const proseCache = new WeakMap<Tokenizer, ProseChain>();

export function proseChain(tokenizer: Tokenizer): ProseChain {
  let chain = proseCache.get(tokenizer);
  if (!chain) {
    chain = buildProseChain(tokenizer);
    proseCache.set(tokenizer, chain);
  }
  return chain;
}

/** Next prose token after `prev` (or the first token when `prev` is undefined). */
export function nextProseToken(chain: ProseChain, rng: Rng, prev: number | undefined): number {
  if (prev === undefined) return pick(rng, chain.starts);
  if (prev === chain.fullStop) return pick(rng, chain.sentenceStarts);
  const options = chain.next.get(prev);
  if (!options || options.length === 0) return chain.fullStop;
  return pick(rng, options);
}

function buildProseChain(tokenizer: Tokenizer): ProseChain {
  const single = (text: string): number | null => {
    const ids = tokenizer.encode(text);
    return ids.length === 1 ? (ids[0] as number) : null;
  };
  const fullStop = single('.');
  if (fullStop === null) throw new Error('tokenizer has no single token for "."');
  const startPairs = new Map<number, number>();
  const sentenceStarts = new Set<number>();
  const edges = new Map<number, number[]>();
  const addEdge = (a: number, b: number): void => {
    const list = edges.get(a) ?? [];
    list.push(b);
    edges.set(a, list);
  };
  for (const sentence of PROSE_CORPUS.split('\n')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const pieces: string[] = [];
    sentence.split(' ').forEach((word, i) => {
      const m = /^([A-Za-z]+)([.,]?)$/.exec(word);
      if (!m) return;
      pieces.push(i === 0 ? (m[1] as string) : ` ${m[1]}`);
      if (m[2]) pieces.push(m[2]);
    });
    let prev: number | null = null;
    pieces.forEach((piece, i) => {
      const id = single(piece);
      if (id === null) return;
      if (i === 0) {
        const spaced = single(` ${piece}`);
        if (spaced !== null) {
          sentenceStarts.add(spaced);
          startPairs.set(id, spaced);
        }
        prev = spaced;
        return;
      }
      if (prev !== null) addEdge(prev, id);
      prev = id;
    });
  }
  // Keep only transitions that re-tokenize to the same two ids.
  const next = new Map<number, number[]>();
  const pool = new Set<number>();
  for (const [a, list] of edges) {
    const ok = list.filter((b) => sameIds(tokenizer, [a, b]));
    if (ok.length > 0) next.set(a, ok);
    for (const b of ok) pool.add(b);
  }
  // A content-initial word has no leading space; it continues like its spaced twin.
  const starts: number[] = [];
  for (const [bare, spaced] of startPairs) {
    const ok = (next.get(spaced) ?? []).filter((b) => sameIds(tokenizer, [bare, b]));
    if (ok.length === 0 || next.has(bare)) continue;
    next.set(bare, ok);
    starts.push(bare);
  }
  const safeSentenceStarts = [...sentenceStarts].filter((s) => next.has(s) && sameIds(tokenizer, [fullStop, s]));
  return { starts, sentenceStarts: safeSentenceStarts, next, fullStop, pool: [...pool] };
}

function sameIds(tokenizer: Tokenizer, ids: readonly number[]): boolean {
  const text = ids.map((id) => tokenizer.tokenText(id)).join('');
  const back = tokenizer.encode(text);
  return back.length === ids.length && back.every((v, i) => v === ids[i]);
}
