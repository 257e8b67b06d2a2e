/**
 * @module Whether a request's free-text answer is code, and what code: a fill-in-the-middle prompt gets a middle for
 * its prefix and suffix, a completion prompt that reads as code gets its continuation, and a chat message that asks for
 * code (or brings a code block) gets an answer with a fenced block. Everything is read from bounded windows (the
 * prompt's last 64 tokens, the message's first and last KB), so prose requests pay a few microseconds.
 */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { detectCodeAsk, detectCodeLang, type CodeAsk } from '../generate/code-detect.ts';
import { readCodeContext } from '../generate/code-context.ts';
import { freshContext, type CodeSource } from '../generate/code-plan.ts';
import { decodeRange, fimContext } from './fim.ts';

/** What a request's output contract says about code: read the prompt (completions), a chat ask, or nothing. */
export type CodeHint = 'prompt' | CodeAsk | null;

/** Tokens of a completion prompt's end read to tell code from prose, and then (code) to read its context. */
const TAIL = 64;
const CONTEXT = 256;

/** The chat-side hint from the last user message (null when it does not ask for code). */
export function chatCodeHint(lastUserText: string): CodeHint {
  return lastUserText === '' ? null : detectCodeAsk(lastUserText);
}

/** The code this prompt's answer should be, or null for prose. */
export function codeSourceFor(tokenizer: Tokenizer, promptIds: readonly number[], hint: CodeHint): CodeSource | null {
  const fim = fimContext(tokenizer, promptIds);
  if (fim !== null) {
    const lang = detectCodeLang(`${fim.prefix}\n${fim.suffix}`) ?? 'python';
    return { kind: 'middle', ctx: readCodeContext(lang, fim.prefix, fim.suffix) };
  }
  if (hint === null) return null;
  if (hint !== 'prompt') return { kind: 'chat', ask: hint, ctx: freshContext(hint.lang, hint.code) };
  const end = promptIds.length;
  const lang = detectCodeLang(decodeRange(tokenizer, promptIds, end - TAIL, end));
  return lang === null ? null : { kind: 'continue', ctx: readCodeContext(lang, decodeRange(tokenizer, promptIds, end - CONTEXT, end), null) };
}
