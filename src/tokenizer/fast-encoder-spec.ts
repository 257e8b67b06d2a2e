/**
 * @module Reads a tokenizer.json (+ tokenizer_config.json) into what the fast byte-level encoder needs, or null when
 * any part differs from the shapes it reproduces exactly (then the reference encoder stays). Accepted: a BPE model
 * without dropout, suffixes or byte fallback; no normaliser or one Unicode form; a `Split` regex (isolated) followed by
 * a `ByteLevel` without its own regex, or a lone `ByteLevel` with GPT-2's; post-processing by `ByteLevel` and/or
 * `TemplateProcessing`; added tokens without lstrip/rstrip; a tokenizer class that encodes like the base class.
 */
import { pieceScanner, type PieceScanner } from './pre-tokenizer.ts';

export interface EncoderSpec {
  readonly merges: readonly (readonly [string, string])[];
  readonly ignoreMerges: boolean;
  /** Global, unicode pre-tokenizer regex (compiled as the reference compiles it). */
  readonly pattern: RegExp;
  /** The same pieces without a regex (pre-tokenizer.ts), for the patterns it knows; null: use `pattern`. */
  readonly scanner: PieceScanner | null;
  /** `Split` keeps the text between matches as words too; a lone `ByteLevel` keeps only matches. */
  readonly keepGaps: boolean;
  readonly normalization: 'NFC' | 'NFD' | 'NFKC' | 'NFKD' | null;
  readonly addedTokens: readonly string[];
  /** Special tokens `add_special_tokens` puts before / after the text (vocabulary strings). */
  readonly prefix: readonly string[];
  readonly suffix: readonly string[];
}

/** Classes that @lenml/tokenizers builds as the base class (no encoding override). */
export const PLAIN_CLASSES = new Set([
  'PreTrainedTokenizer',
  'GPT2Tokenizer',
  'Qwen2Tokenizer',
  'GPTNeoXTokenizer',
  'FalconTokenizer',
  'CodeGenTokenizer',
  'CohereTokenizer',
  'Grok1Tokenizer',
  'RobertaTokenizer',
  'BartTokenizer',
]);

/** GPT-2's pre-tokenizer regex, used by a `ByteLevel` pre-tokenizer with `use_regex` (as the reference writes it). */
const GPT2_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

export function readEncoderSpec(json: Record<string, unknown>, config: Record<string, unknown>): EncoderSpec | null {
  const cls = typeof config['tokenizer_class'] === 'string' ? config['tokenizer_class'].replace(/Fast$/, '') : 'PreTrainedTokenizer';
  if (!PLAIN_CLASSES.has(cls) || config['remove_space'] === true || config['do_lowercase_and_remove_accent']) return null;
  const model = json['model'] as Record<string, unknown> | undefined;
  if (model?.['type'] !== 'BPE' || model['dropout'] || model['end_of_word_suffix'] || model['continuing_subword_suffix'] || model['byte_fallback']) return null;
  const merges = readMerges(model['merges']);
  const pre = readPreTokenizer(json['pre_tokenizer']);
  const normalization = readNormalizer(json['normalizer']);
  const post = readPostProcessor(json['post_processor']);
  const added = json['added_tokens'];
  if (!merges || !pre || normalization === undefined || !post || !Array.isArray(added)) return null;
  const addedTokens: string[] = [];
  for (const t of added as Record<string, unknown>[]) {
    if (typeof t['content'] !== 'string' || typeof t['id'] !== 'number' || t['lstrip'] || t['rstrip']) return null;
    addedTokens.push(t['content']);
  }
  return { merges, ignoreMerges: model['ignore_merges'] === true, ...pre, normalization, addedTokens, ...post };
}

/** Old files spell a merge "a b" (split at the first space, as the reference does), new ones ["a", "b"]. */
export function readMerges(value: unknown): [string, string][] | null {
  if (!Array.isArray(value)) return null;
  const out: [string, string][] = [];
  for (const m of value) {
    if (Array.isArray(m) && typeof m[0] === 'string' && typeof m[1] === 'string') out.push([m[0], m[1]]);
    else if (typeof m === 'string') {
      const [a, b] = m.split(' ', 2);
      if (a === undefined || b === undefined) return null;
      out.push([a, b]);
    } else return null;
  }
  return out;
}

function readNormalizer(value: unknown): EncoderSpec['normalization'] | undefined {
  if (value === null || value === undefined) return null;
  const type = (value as { type?: unknown }).type;
  return type === 'NFC' || type === 'NFD' || type === 'NFKC' || type === 'NFKD' ? type : undefined;
}

function readPreTokenizer(value: unknown): { pattern: RegExp; scanner: PieceScanner | null; keepGaps: boolean } | null {
  const v = value as Record<string, unknown> | null | undefined;
  if (!v) return null;
  if (v['type'] === 'ByteLevel') {
    if (v['add_prefix_space'] || v['use_regex'] === false) return null;
    return { pattern: new RegExp(whiteSpaceAsUnicode(GPT2_PATTERN)!, 'gu'), scanner: null, keepGaps: false };
  }
  if (v['type'] !== 'Sequence' || !Array.isArray(v['pretokenizers']) || v['pretokenizers'].length !== 2) return null;
  const [split, byteLevel] = v['pretokenizers'] as Record<string, unknown>[];
  if (byteLevel?.['type'] !== 'ByteLevel' || byteLevel['add_prefix_space'] || byteLevel['use_regex'] !== false) return null;
  if (split?.['type'] !== 'Split' || split['behavior'] !== 'Isolated' || split['invert']) return null;
  const source = (split['pattern'] as { Regex?: unknown } | undefined)?.Regex;
  if (typeof source !== 'string') return null;
  const pattern = compileLikeReference(source);
  return pattern ? { pattern, scanner: pieceScanner(source), keepGaps: true } : null;
}

/**
 * The reference drops escapes JavaScript's unicode mode rejects and rewrites the `(?i:…)` contraction group; the same
 * here, with the group made non-capturing (captures change nothing a split uses, and cost time). One deliberate
 * difference: `\s` and `\S` become Unicode White_Space, as in Oniguruma (which Hugging Face's `tokenizers` runs).
 * JavaScript's `\s` also matches U+FEFF and misses U+0085, so the reference splits `\ufeff#` apart where HF keeps it
 * one token; this encoder gives HF's ids there.
 */
function compileLikeReference(source: string): RegExp | null {
  let regex = source.replace(/\\([#&~])/g, '$1');
  regex = regex.replaceAll("(?i:'s|'t|'re|'ve|'m|'ll|'d)", "(?:'(?:[sS]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD]))");
  // Any other inline flag group is one the reference handles differently (or not at all): keep the reference.
  if (regex.includes('(?i') || regex.includes('(?s') || regex.includes('(?m') || regex.includes('(?x')) return null;
  const translated = whiteSpaceAsUnicode(regex);
  if (translated === null) return null;
  try {
    return new RegExp(translated, 'gu');
  } catch {
    return null;
  }
}

/** Unicode White_Space (what Oniguruma's `\s` matches), as the inside of a character class. */
const WHITE_SPACE = String.raw`\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;

/** Rewrites `\s` / `\S` to WHITE_SPACE; null for a `\S` inside a class (no simple rewrite, and unseen in the wild). */
export function whiteSpaceAsUnicode(regex: string): string | null {
  let out = '';
  let inClass = false;
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i]!;
    if (c === '\\') {
      const d = regex[i + 1] ?? '';
      i++;
      if (d === 's') out += inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`;
      else if (d === 'S') {
        if (inClass) return null;
        out += `[^${WHITE_SPACE}]`;
      } else out += c + d;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

export function readPostProcessor(value: unknown): { prefix: string[]; suffix: string[] } | null {
  const v = value as Record<string, unknown> | null | undefined;
  if (!v) return { prefix: [], suffix: [] };
  if (v['type'] === 'ByteLevel') return { prefix: [], suffix: [] };
  if (v['type'] === 'Sequence' && Array.isArray(v['processors'])) {
    let result = { prefix: [] as string[], suffix: [] as string[] };
    for (const p of v['processors'] as unknown[]) {
      const r = readPostProcessor(p);
      if (!r) return null;
      // A template replaces the token list it is given; two templates in a row are not a shape seen in the wild.
      if (r.prefix.length || r.suffix.length) {
        if (result.prefix.length || result.suffix.length) return null;
        result = r;
      }
    }
    return result;
  }
  if (v['type'] === 'TemplateProcessing' && Array.isArray(v['single'])) {
    const prefix: string[] = [];
    const suffix: string[] = [];
    let seen = false;
    for (const item of v['single'] as Record<string, { id?: unknown }>[]) {
      if (item['SpecialToken'] && typeof item['SpecialToken'].id === 'string') (seen ? suffix : prefix).push(item['SpecialToken'].id);
      else if (item['Sequence']?.id === 'A' && !seen) seen = true;
      else return null;
    }
    return seen ? { prefix, suffix } : null;
  }
  return null;
}
