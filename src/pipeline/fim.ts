/**
 * @module Fill-in-the-middle, once for every route: the Qwen-style PSM markers, whether a vocabulary has them, the
 * prompt `suffix` builds (OpenAI `/v1/completions` with `--enable-suffix`, Ollama `/api/generate`), and the prefix and
 * suffix a tokenized FIM prompt carries (bounded windows next to the cursor, for the code planner).
 */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';

export const FIM_PREFIX = '<|fim_prefix|>';
export const FIM_SUFFIX = '<|fim_suffix|>';
export const FIM_MIDDLE = '<|fim_middle|>';

/** The three marker ids, when every marker is one token of the vocabulary. */
export interface FimIds {
  readonly prefix: number;
  readonly suffix: number;
  readonly middle: number;
}

const cache = new WeakMap<Tokenizer, FimIds | null>();

export function fimIds(tokenizer: Tokenizer): FimIds | null {
  let ids = cache.get(tokenizer);
  if (ids === undefined) {
    const [p, s, m] = [FIM_PREFIX, FIM_SUFFIX, FIM_MIDDLE].map((t) => tokenizer.encode(t));
    ids = p?.length === 1 && s?.length === 1 && m?.length === 1 ? { prefix: p[0] as number, suffix: s[0] as number, middle: m[0] as number } : null;
    cache.set(tokenizer, ids);
  }
  return ids;
}

/** The model can be prompted for an insert (Ollama's `insert` capability; `suffix` is accepted). */
export function supportsFim(tokenizer: Tokenizer): boolean {
  return fimIds(tokenizer) !== null;
}

/** The PSM prompt `<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>`. */
export function fimPromptText(prefix: string, suffix: string): string {
  return `${FIM_PREFIX}${prefix}${FIM_SUFFIX}${suffix}${FIM_MIDDLE}`;
}

/** Tokens of context read on each side of the cursor: enough for the enclosing function, cheap for any prompt. */
const WINDOW = 256;

/**
 * The text just before and just after the cursor of a FIM prompt (a `<|fim_middle|>` among its last 16 tokens, the
 * `<|fim_suffix|>` and `<|fim_prefix|>` before it), at most `window` tokens each; null when it asks for no middle.
 */
export function fimContext(tokenizer: Tokenizer, ids: readonly number[], window = WINDOW): { prefix: string; suffix: string } | null {
  const fim = fimIds(tokenizer);
  if (fim === null) return null;
  // A PSM prompt ends with its middle marker (a template may add a token or two): prose prompts cost 16 comparisons.
  let m = -1;
  for (let i = ids.length - 1; i >= 0 && i >= ids.length - 16 && m < 0; i--) if (ids[i] === fim.middle) m = i;
  if (m < 0) return null;
  const s = ids.lastIndexOf(fim.suffix, m);
  const prefixEnd = s >= 0 ? s : m;
  let p = -1;
  for (let i = prefixEnd - 1; i >= 0 && i >= prefixEnd - window - 1 && p < 0; i--) if (ids[i] === fim.prefix) p = i;
  const prefixStart = Math.max(p + 1, prefixEnd - window);
  const prefix = decodeRange(tokenizer, ids, prefixStart, prefixEnd);
  const suffix = s >= 0 ? decodeRange(tokenizer, ids, s + 1, Math.min(m, s + 1 + window)) : '';
  return { prefix, suffix };
}

/**
 * Text of ids[from, to), special tokens dropped: per-token texts (cached by the tokenizer) joined, several times
 * cheaper than the decoder. A character split across tokens reads as U+FFFD, which only the writer's reading sees.
 */
export function decodeRange(tokenizer: Tokenizer, ids: readonly number[], from: number, to: number): string {
  let out = '';
  for (let i = Math.max(0, from); i < to && i < ids.length; i++) {
    const id = ids[i] as number;
    if (!tokenizer.isSpecial(id)) out += tokenizer.tokenText(id);
  }
  return out;
}
