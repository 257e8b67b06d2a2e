/**
 * @module A code answer as token ids: a fill-in-the-middle middle, the continuation of a code prompt, or a chat answer
 * with a fenced code block. The text comes from code-writer.ts; its ids are the real tokenizer's encoding of it, so the
 * text always re-tokenizes to the ids the usage counts. An answer longer than `max_tokens` is cut at a token boundary
 * that re-tokenizes to exactly `max_tokens` ids (a cut inside a merge could otherwise re-tokenize to one more or less).
 */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import type { CodeAsk } from './code-detect.ts';
import { readCodeContext, type CodeContext } from './code-context.ts';
import { writeCode, type WriteGoal } from './code-writer.ts';
import { pick, randInt, type Rng } from './rng.ts';

/** What code to write, and where (see src/pipeline/code-prompt.ts for how a request is read into one). */
export type CodeSource =
  | { readonly kind: 'middle'; readonly ctx: CodeContext }
  | { readonly kind: 'continue'; readonly ctx: CodeContext }
  | { readonly kind: 'chat'; readonly ctx: CodeContext; readonly ask: CodeAsk };

export interface CodeBudget {
  /** The sampled natural answer length in tokens. */
  readonly natural: number;
  readonly maxTokens: number;
  readonly minTokens: number;
  readonly ignoreEos: boolean;
}

export interface CodeIds {
  readonly ids: number[];
  /** The answer ended on its own with room left: the planner adds the EOS token. */
  readonly hitEos: boolean;
}

/** Characters per token of ASCII code, rounded up: a text written to this length almost always has enough tokens. */
const CHARS_PER_TOKEN = 4.5;

export function planCodeIds(tokenizer: Tokenizer, rng: Rng, source: CodeSource, b: CodeBudget): CodeIds {
  const need = b.ignoreEos ? b.maxTokens : b.minTokens;
  const statements = source.kind === 'middle' ? randInt(rng, 1, 3) : Math.min(10, Math.max(2, Math.round(b.natural / 16)));
  const naturalChars = source.kind === 'middle' ? 0 : b.natural * 3.4;
  let minChars = need * CHARS_PER_TOKEN;
  let ids: number[] = [];
  // A text short of `need` tokens is written again, longer (rare: only the character estimate can fall short).
  for (let attempt = 0; attempt < 6; attempt++) {
    const goal: WriteGoal = { statements, minChars, naturalChars, fnName: source.kind === 'chat' ? fnNameOf(source.ask, source.ctx) : null };
    ids = tokenizer.encode(source.kind === 'chat' ? chatAnswer(source, rng, goal) : writeCode(source.ctx, rng, goal), false);
    if (ids.length >= need) break;
    minChars = minChars * 1.5 + (need - ids.length) * CHARS_PER_TOKEN;
  }
  if (ids.length >= b.maxTokens) return { ids: exactCut(tokenizer, ids, b.maxTokens), hitEos: false };
  return { ids, hitEos: true };
}

/** A code context at the top level of a fresh file, for a chat answer or a plan asked for code without any context. */
export function freshContext(lang: CodeContext['lang'], code: string | null = null): CodeContext {
  const ctx = readCodeContext(lang, code === null ? '' : `${code}\n\n`, null);
  const top = { partial: '', partialKind: 'none', written: '', indent: '', closeBlocks: 0, closers: '', wanted: [] } as const;
  return { ...ctx, ...top, mayReturn: false, inFunction: false, after: 'end', fn: null, hasMain: false };
}

const LANG_NAMES: Readonly<Record<string, string>> = {
  python: 'Python',
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  c: 'C',
  cpp: 'C++',
  java: 'Java',
  csharp: 'C#',
  go: 'Go',
  rust: 'Rust',
};

/** A short lead-in, the code in a fence tagged with the language, and one closing sentence. */
function chatAnswer(source: Extract<CodeSource, { kind: 'chat' }>, rng: Rng, goal: WriteGoal): string {
  const lang = LANG_NAMES[source.ask.tag] ?? source.ask.tag;
  const intro = pick(rng, [
    `Here is a ${lang} implementation:`,
    `Here's one way to do it in ${lang}:`,
    `Sure. The following ${lang} code does this:`,
    'You can do this with a small function:',
  ]);
  const code = writeCode(source.ctx, rng, goal).trimEnd();
  const name = goal.fnName ?? /(?:def|function|int)[ \t]+([A-Za-z_]\w*)\(/.exec(code)?.[1] ?? 'it';
  const outro = pick(rng, [
    `The function \`${name}\` returns the result, so it can be called directly or tested on its own.`,
    'Each step is kept small, so the code is easy to read and to change.',
    'You can adjust the names and types to fit the rest of your code.',
  ]);
  return `${intro}\n\n\`\`\`${source.ask.tag}\n${code}\n\`\`\`\n\n${outro}`;
}

/** The function name a chat request implies (`reverse a string` → `reverse_string`, `reverseString` in JS). */
function fnNameOf(ask: CodeAsk, ctx: CodeContext): string | null {
  const words = ask.topic.slice(0, 2);
  if (words.length === 0) return ctx.callees[0] ?? null;
  if (ctx.lang === 'js') return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
  return words.join('_');
}

/** The first `n` tokens' text re-encoded to exactly `n` ids: the cut moved by a token or two where a merge crossed it. */
function exactCut(tokenizer: Tokenizer, ids: readonly number[], n: number): number[] {
  for (const k of [n, n + 1, n - 1, n + 2, n - 2, n + 3]) {
    if (k <= 0 || k > ids.length) continue;
    let text = '';
    for (let i = 0; i < k; i++) text += tokenizer.tokenText(ids[i] as number);
    const back = tokenizer.encode(text, false);
    if (back.length === n) return back;
  }
  return ids.slice(0, n);
}
