/** @module Renders planned logprobs in the chat (`{content:[...]}`) and legacy completions (`text_offset`/`tokens`/...) wire formats. */
import type { Tokenizer } from '../../tokenizer/tokenizer.ts';
import { promptLogprobs, type TokenLogprob } from '../../generate/logprobs.ts';
import { createRng, idsHash } from '../../generate/rng.ts';
import type { PrepareSettings } from '../../serving/context.ts';
import type { SamplingParams } from '../../protocol/sampling.ts';

export interface ChatLogprobEntry {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: { token: string; logprob: number; bytes: number[] }[];
}

/** `-inf` is clamped to -9999.0 by vLLM; ours are always finite. */
export function chatLogprobs(tokenizer: Tokenizer, entries: readonly TokenLogprob[], asTokenIds: boolean): ChatLogprobEntry[] {
  const name = (id: number): string => (asTokenIds ? `token_id:${id}` : tokenizer.tokenText(id));
  return entries.map((e) => ({
    token: name(e.id),
    logprob: e.logprob,
    bytes: utf8Bytes(tokenizer.tokenText(e.id)),
    top_logprobs: e.top.map((t) => ({ token: name(t.id), logprob: t.logprob, bytes: utf8Bytes(tokenizer.tokenText(t.id)) })),
  }));
}

export interface CompletionLogprobs {
  text_offset: number[];
  token_logprobs: (number | null)[];
  tokens: string[];
  top_logprobs: (Record<string, number> | null)[];
}

/** Legacy format; `startOffset` continues `text_offset` across stream chunks. */
export function completionLogprobs(tokenizer: Tokenizer, entries: readonly TokenLogprob[], startOffset: number, asTokenIds: boolean): CompletionLogprobs {
  const out: CompletionLogprobs = { text_offset: [], token_logprobs: [], tokens: [], top_logprobs: [] };
  let offset = startOffset;
  for (const e of entries) {
    const text = tokenizer.tokenText(e.id);
    const name = asTokenIds ? `token_id:${e.id}` : text;
    out.text_offset.push(offset);
    out.token_logprobs.push(e.logprob);
    out.tokens.push(name);
    out.top_logprobs.push(topDict(tokenizer, e, asTokenIds));
    offset += text.length;
  }
  return out;
}

/**
 * The legacy `top_logprobs` entry: the top k, most likely first, then the token itself when it is not among them
 * (k + 1 entries, as vLLM), so `max(top.values())` equals the token's logprob exactly when it was the most likely.
 */
export function topDict(tokenizer: Tokenizer, e: TokenLogprob, asTokenIds: boolean): Record<string, number> {
  const key = (id: number): string => (asTokenIds ? `token_id:${id}` : tokenizer.tokenText(id));
  const top: Record<string, number> = {};
  for (const t of e.top) {
    const k = key(t.id);
    if (!(k in top)) top[k] = t.logprob;
  }
  const own = key(e.id);
  if (!(own in top)) top[own] = e.logprob;
  return top;
}

/** What prompt logprobs read of the server (a ServerContext on the engine's thread, a PrepareEnv on a worker). */
export interface LogprobSettings {
  readonly settings: Pick<PrepareSettings, 'seed' | 'maxLogprobs'>;
}

/** The `k` of `prompt_logprobs` (-1: the server's cap), or null when not asked. */
export function promptLogprobsK(ctx: LogprobSettings, params: SamplingParams): number | null {
  if (params.promptLogprobs === null) return null;
  return params.promptLogprobs === -1 ? ctx.settings.maxLogprobs : params.promptLogprobs;
}

/**
 * The prompt's positions, drawn once per request with the largest `k` asked, so echo and `prompt_logprobs` agree. Seeded
 * by the prompt alone: how the answer is sampled does not change how likely the prompt was.
 */
export function plannedPromptLogprobs(
  ctx: LogprobSettings,
  tokenizer: Tokenizer,
  planned: { promptIds: readonly number[] },
  k: number,
): (TokenLogprob | null)[] {
  return promptLogprobs(tokenizer, createRng(ctx.settings.seed, idsHash(planned.promptIds), 0, 'prompt-logprobs'), planned.promptIds, k);
}

/** Echoed prompt tokens in the legacy format: the first position has no logprob (null), the others the top k (+ itself). */
export function echoLogprobs(
  tokenizer: Tokenizer,
  promptIds: readonly number[],
  entries: readonly (TokenLogprob | null)[],
  startOffset: number,
  asTokenIds: boolean,
): CompletionLogprobs {
  const out: CompletionLogprobs = { text_offset: [], token_logprobs: [], tokens: [], top_logprobs: [] };
  let offset = startOffset;
  promptIds.forEach((id, i) => {
    const text = tokenizer.tokenText(id);
    const e = entries[i] ?? null;
    out.text_offset.push(offset);
    out.tokens.push(asTokenIds ? `token_id:${id}` : text);
    out.token_logprobs.push(e === null ? null : e.logprob);
    out.top_logprobs.push(e === null ? null : topDict(tokenizer, e, asTokenIds));
    offset += text.length;
  });
  return out;
}

function utf8Bytes(text: string): number[] {
  return Array.from(Buffer.from(text, 'utf8'));
}
