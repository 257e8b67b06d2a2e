/** @module Builds a plan from raw output pieces (reasoning block, content, tool calls) as the model would write them, tags included. */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import type { Channel, ChoicePlan, FinishReason, ToolCallPlan } from './plan.ts';

export interface RawPiece {
  readonly kind: 'reasoning' | 'content' | 'tool_call';
  /** Exactly what the model writes for this piece (e.g. `<tool_call>\n{...}\n</tool_call>`). */
  readonly raw: string;
  /** The part of `raw` a client sees in its channel: [from, to). */
  readonly from: number;
  readonly to: number;
  /** Pre-computed token ids of `raw` (when the caller already walked tokens). */
  readonly ids?: readonly number[];
  readonly toolName?: string;
  readonly toolCallId?: string;
}

export interface ComposeOptions {
  readonly maxTokens: number;
  /** End with the EOS token when there is room (a natural stop). */
  readonly eos: boolean;
  /** Finish reason when the output completed within the budget. */
  readonly finish: FinishReason;
}

/** Tokenizes the pieces, cuts at `maxTokens` (finish `length`), and maps every token to visible characters per channel. */
export function composePlan(tokenizer: Tokenizer, pieces: readonly RawPiece[], { maxTokens, eos, finish }: ComposeOptions): ChoicePlan {
  const tokenIds: number[] = [];
  const owner: number[] = []; // piece index per token
  const rawEnd: number[] = []; // characters of the piece's raw text decoded after each token
  pieces.forEach((piece, pi) => {
    const ids = piece.ids ?? tokenizer.encode(piece.raw);
    const ends = prefixLengths(tokenizer, ids);
    ids.forEach((id, i) => {
      tokenIds.push(id);
      owner.push(pi);
      rawEnd.push(ends[i] as number);
    });
  });
  const truncated = tokenIds.length > maxTokens;
  if (truncated) {
    tokenIds.length = maxTokens;
    owner.length = maxTokens;
    rawEnd.length = maxTokens;
  } else if (eos && tokenIds.length < maxTokens) {
    tokenIds.push(tokenizer.eosTokenId);
    owner.push(-1);
    rawEnd.push(0);
  }
  const total = tokenIds.length;
  const channelOf = (pi: number): Channel => {
    const piece = pieces[pi] as RawPiece;
    const cum: number[] = new Array(total);
    let seen = 0;
    for (let t = 0; t < total; t++) {
      // A piece's last token decodes to its whole raw text, so a complete piece ends at its full visible length.
      if (owner[t] === pi) seen = clamp((rawEnd[t] as number) - piece.from, 0, piece.to - piece.from);
      cum[t] = seen;
    }
    return { text: piece.raw.slice(piece.from, piece.from + (cum[total - 1] ?? 0)), cum };
  };
  const contentPieces = pieces.map((p, i) => [p, i] as const).filter(([p]) => p.kind === 'content');
  const reasoningIndex = pieces.findIndex((p) => p.kind === 'reasoning');
  const content = contentPieces.length > 0 ? channelOf(contentPieces[0]![1]) : { text: '', cum: new Array<number>(total).fill(0) };
  const toolCalls: ToolCallPlan[] = [];
  pieces.forEach((p, i) => {
    if (p.kind !== 'tool_call') return;
    const firstToken = owner.indexOf(i);
    if (firstToken < 0) return;
    toolCalls.push({ ...channelOf(i), id: p.toolCallId ?? '', name: p.toolName ?? '', firstToken });
  });
  return {
    tokenCount: total,
    tokenIds,
    cumChars: content.cum,
    text: content.text,
    holdback: 0,
    finishReason: truncated ? 'length' : finish,
    stopReason: null,
    reasoning: reasoningIndex >= 0 && owner.includes(reasoningIndex) ? channelOf(reasoningIndex) : null,
    toolCalls,
  };
}

/** Decoded length after each token: cheap per-token sum for clean tokens, exact prefix decoding where a token splits a character. */
export function prefixLengths(tokenizer: Tokenizer, ids: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  let exact = false;
  for (let i = 0; i < ids.length; i++) {
    const piece = tokenizer.tokenText(ids[i] as number);
    if (!exact && piece.includes('\uFFFD')) exact = true;
    sum = exact ? tokenizer.decode(ids.slice(0, i + 1), false).replace(/\uFFFD+$/, '').length : sum + piece.length;
    out.push(sum);
  }
  return out;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
