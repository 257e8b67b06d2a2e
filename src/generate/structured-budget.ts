/**
 * @module Pulls a lazy text generator until a token budget is spent, as a guided decoder stops at `max_tokens`. Text
 * is tokenized as it arrives, in segments cut before a space that starts a word (a pre-token boundary for the
 * byte-level BPE vocabularies, so the ids equal those of the whole text), each character once: the cost is
 * proportional to the budget, never to the instance the schema asks for, and a giant word (`a{1000000}`), which
 * BPE would merge in quadratic time, is cut into bounded segments.
 */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';

export interface TextBudget {
  readonly tokenizer: Tokenizer;
  /** Tokens the text may take; more than this and the output is cut (finish `length`). */
  readonly maxTokens: number;
}

export interface BoundedText {
  readonly text: string;
  /** The text's token ids (tokenized segment by segment) when a budget applied, else null. */
  readonly ids: readonly number[] | null;
  /** False when the generator still had more to write: the text is a prefix, longer than the budget in tokens. */
  readonly complete: boolean;
}

/** Tokens past the budget kept before the cut, so the cut tokens equal those of the full text (BPE differs only near the end). */
const MARGIN = 8;
/** Segments are tokenized once they reach this many characters (cut at the last word start)... */
const SEGMENT = 1024;
/** ...or, with no word start in them, at this many (a pathological giant word; BPE merges are quadratic in its length). */
const MAX_SEGMENT = 64;

/** Text of `pieces` until they end (complete) or exceed `budget` tokens; without a budget, until `maxChars`. */
export function drain(pieces: Iterator<string>, budget: TextBudget | null, maxChars: number): BoundedText {
  if (!budget) return drainChars(pieces, maxChars);
  const goal = budget.maxTokens + MARGIN;
  const done: string[] = [];
  const ids: number[] = [];
  let pending = '';
  for (let r = pieces.next(); !r.done; r = pieces.next()) {
    pending += r.value;
    while (pending.length >= SEGMENT || (pending.length >= MAX_SEGMENT && pending.lastIndexOf(' ') < 0)) {
      const cut = segmentEnd(pending);
      if (cut === 0) break;
      const segment = pending.slice(0, cut);
      pending = pending.slice(cut);
      done.push(segment);
      for (const id of budget.tokenizer.encode(segment)) ids.push(id);
      if (ids.length > goal) return { text: done.join(''), ids, complete: false };
    }
  }
  if (pending.length > 0) {
    done.push(pending);
    for (const id of budget.tokenizer.encode(pending)) ids.push(id);
  }
  const text = done.join('');
  return ids.length > goal ? { text, ids, complete: false } : { text, ids, complete: true };
}

function drainChars(pieces: Iterator<string>, maxChars: number): BoundedText {
  const parts: string[] = [];
  let chars = 0;
  for (let r = pieces.next(); !r.done; r = pieces.next()) {
    parts.push(r.value);
    if ((chars += r.value.length) > maxChars) return { text: parts.join(''), ids: null, complete: false };
  }
  return { text: parts.join(''), ids: null, complete: true };
}

/**
 * Where the next segment ends: before the last space in the text that follows a non-space and precedes a non-space
 * (pre-tokenizers start a word there), or at MAX_SEGMENT (never inside a surrogate pair); 0 = wait for more text.
 */
function segmentEnd(text: string): number {
  for (let i = Math.min(text.length, SEGMENT) - 2; i > 0; i--) {
    if (text.charCodeAt(i) === 32 && !isSpace(text.charCodeAt(i - 1)) && !isSpace(text.charCodeAt(i + 1))) return i;
  }
  if (text.length < MAX_SEGMENT) return 0;
  const low = text.charCodeAt(MAX_SEGMENT);
  return low >= 0xdc00 && low <= 0xdfff ? MAX_SEGMENT - 1 : MAX_SEGMENT;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 0xa0 || Number.isNaN(code);
}
