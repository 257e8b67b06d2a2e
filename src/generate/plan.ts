/** @module Plans one choice's whole output up front (token ids, visible text, finish): the engine then only decides WHEN tokens are released. */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { proseChain, nextProseToken } from './chains.ts';
import { randNormal, canFork, type Rng } from './rng.ts';
import { freshContext, planCodeIds, type CodeSource } from './code-plan.ts';
import { ProsePlan } from './prose-plan.ts';
import type { Channel, ChoicePlan, FinishReason, ToolCallPlan } from './choice-plan.ts';

export type { ChoicePlan, Channel, FinishReason, ToolCallPlan } from './choice-plan.ts';

export interface PlanOptions {
  readonly tokenizer: Tokenizer;
  readonly rng: Rng;
  /** Effective max tokens (already capped by the context window). */
  readonly maxTokens: number;
  readonly ignoreEos: boolean;
  readonly minTokens: number;
  readonly stop: readonly string[];
  readonly stopTokenIds: readonly number[];
  readonly includeStopStrInOutput: boolean;
  readonly style: 'prose' | 'code';
  /** What code to write when `style` is `code` (absent: a fresh Python file). */
  readonly code?: CodeSource | null;
  /** Natural answer length (tokens before EOS) distribution. */
  readonly lengths: OutputLengthDistribution;
}

/** Log-normal answer lengths, clamped: real chat answers are right-skewed. */
export interface OutputLengthDistribution {
  readonly median: number;
  readonly sigma: number;
  readonly min: number;
  readonly max: number;
}

export const DEFAULT_OUTPUT_LENGTHS: OutputLengthDistribution = { median: 160, sigma: 0.7, min: 8, max: 2048 };

/** Visible text after `released` tokens, exactly as vLLM's incremental detokenizer would have emitted it. */
export function visibleText(plan: ChoicePlan, released: number): string {
  return plan.text.slice(0, visibleLength(plan, released));
}

/**
 * The text that became visible between `from` and `upTo` released tokens: what one stream chunk carries. A lazy
 * prose plan walks forward instead of building its whole text.
 */
export function visibleDelta(plan: ChoicePlan, from: number, upTo: number): string {
  if (plan instanceof ProsePlan) return plan.textBetween(from, upTo);
  return plan.text.slice(visibleLength(plan, from), visibleLength(plan, upTo));
}

/** Length of `visibleText(plan, released)`, without building it (stream deltas slice between two of these). */
export function visibleLength(plan: ChoicePlan, released: number): number {
  if (released >= plan.tokenCount) return plan.text.length;
  if (released <= 0) return 0;
  return Math.min(plan.text.length, Math.max(0, (plan.cumChars[released - 1] as number) - plan.holdback));
}

/** Length of a channel's text after `released` tokens (all of it once the plan is fully released). */
export function channelLength(channel: Channel, released: number, total: number): number {
  if (released >= total) return channel.text.length;
  if (released <= 0) return 0;
  return Math.min(channel.text.length, channel.cum[released - 1] ?? 0);
}

/** `maxTokens` overrides the options' budget (reasoning tokens come out of it) without copying the options. */
export function planChoice(options: PlanOptions, maxTokens = options.maxTokens): ChoicePlan {
  const { tokenizer, rng } = options;
  const natural = options.ignoreEos ? Infinity : Math.max(options.minTokens, sampleLength(rng, options.lengths));
  const contentCount = Math.min(maxTokens, natural);
  let hitEos = natural < maxTokens; // room for the EOS token itself
  // Free prose with nothing to cut at: planned lazily (see prose-plan.ts).
  if (options.style === 'prose' && options.stop.length === 0 && options.stopTokenIds.length === 0 && canFork(rng))
    return new ProsePlan(tokenizer, rng, contentCount, hitEos);
  let ids: number[];
  if (options.style === 'code') {
    // Code ends where its structure does (a block closed, the suffix's line reached), not at a sampled count.
    const source = options.code ?? DEFAULT_CODE;
    const budget = { natural: Number.isFinite(natural) ? natural : maxTokens, maxTokens, minTokens: options.minTokens, ignoreEos: options.ignoreEos };
    ({ ids, hitEos } = planCodeIds(tokenizer, rng, source, budget));
  } else ids = proseTokens(tokenizer, rng, contentCount);
  const stopTokens = options.stopTokenIds.length > 0 ? new Set(options.stopTokenIds) : null;
  const maxStop = options.stop.reduce((m, s) => Math.max(m, s.length), 0);
  const holdback = options.includeStopStrInOutput || maxStop === 0 ? 0 : maxStop - 1;

  const cumChars: number[] = [];
  let raw = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    const pieceStart = raw.length;
    const past = i + 1 > options.minTokens;
    if (past && stopTokens?.has(id)) {
      if (options.includeStopStrInOutput) raw += tokenizer.tokenText(id);
      cumChars.push(raw.length);
      return done(ids.slice(0, i + 1), cumChars, raw, holdback, 'stop', id);
    }
    raw += tokenizer.tokenText(id);
    cumChars.push(raw.length);
    if (past && maxStop > 0) {
      const from = Math.max(0, pieceStart - maxStop + 1);
      for (const s of options.stop) {
        const at = raw.indexOf(s, from);
        if (at >= 0) {
          const text = raw.slice(0, options.includeStopStrInOutput ? at + s.length : at);
          return done(ids.slice(0, i + 1), cumChars, text, holdback, 'stop', s);
        }
      }
    }
  }
  if (hitEos) {
    cumChars.push(raw.length);
    return done([...ids, tokenizer.eosTokenId], cumChars, raw, holdback, 'stop', null);
  }
  return done(ids, cumChars, raw, holdback, 'length', null);
}

const NO_TOOL_CALLS: readonly ToolCallPlan[] = Object.freeze([]);

function done(
  tokenIds: number[],
  cumChars: number[],
  text: string,
  holdback: number,
  finishReason: FinishReason,
  stopReason: string | number | null,
): ChoicePlan {
  if (cumChars.length > tokenIds.length) cumChars.length = tokenIds.length;
  // Reading a character flattens the rope that `+=` built (one 32-byte node per token) into one flat string.
  text.charCodeAt(0);
  return { tokenCount: tokenIds.length, tokenIds, cumChars, text, holdback, finishReason, stopReason, reasoning: null, toolCalls: NO_TOOL_CALLS };
}

function sampleLength(rng: Rng, d: OutputLengthDistribution): number {
  const n = Math.round(d.median * Math.exp(d.sigma * randNormal(rng)));
  return Math.min(d.max, Math.max(d.min, n));
}

function proseTokens(tokenizer: Tokenizer, rng: Rng, count: number): number[] {
  const chain = proseChain(tokenizer);
  const out: number[] = [];
  let prev: number | undefined;
  for (let i = 0; i < count; i++) {
    prev = nextProseToken(chain, rng, prev);
    out.push(prev);
  }
  return out;
}

const DEFAULT_CODE: CodeSource = { kind: 'continue', ctx: freshContext('python') };
