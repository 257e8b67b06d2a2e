/** @module Renders planned logprobs in the chat (`{content:[...]}`) and legacy completions (`text_offset`/`tokens`/...) wire formats. */
import type { Tokenizer } from '../../tokenizer/tokenizer.ts';
import type { TokenLogprob } from '../../generate/logprobs.ts';

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
    const top: Record<string, number> = { [name]: e.logprob };
    for (const t of e.top) {
      const key = asTokenIds ? `token_id:${t.id}` : tokenizer.tokenText(t.id);
      if (!(key in top)) top[key] = t.logprob;
    }
    out.top_logprobs.push(top);
    offset += text.length;
  }
  return out;
}

function utf8Bytes(text: string): number[] {
  return Array.from(Buffer.from(text, 'utf8'));
}
