/**
 * @module Reads a SentencePiece-style BPE tokenizer.json (Gemma 2/3: spaces replaced by "▁", no pre-tokenizer split,
 * characters as the alphabet with byte fallback) into what piece-encoder.ts needs, or null when any part differs from
 * the shapes it reproduces exactly (then the reference encoder stays).
 */
import { PLAIN_CLASSES, readMerges, readPostProcessor } from './fast-encoder-spec.ts';

export interface PieceEncoderSpec {
  readonly merges: readonly (readonly [string, string])[];
  readonly ignoreMerges: boolean;
  readonly addedTokens: readonly string[];
  /** Special tokens `add_special_tokens` puts before / after the text (vocabulary strings). */
  readonly prefix: readonly string[];
  readonly suffix: readonly string[];
}

/** The character a SentencePiece vocabulary spells a space with. */
export const SPACE_SYMBOL = '\u2581';

/** Gemma's tokenizer class encodes as the base class in the reference (no `legacy` handling, unlike Llama 2's). */
const PIECE_CLASSES = new Set([...PLAIN_CLASSES, 'GemmaTokenizer']);

export function readPieceSpec(json: Record<string, unknown>, config: Record<string, unknown>): PieceEncoderSpec | null {
  const cls = typeof config['tokenizer_class'] === 'string' ? config['tokenizer_class'].replace(/Fast$/, '') : 'PreTrainedTokenizer';
  if (!PIECE_CLASSES.has(cls) || config['remove_space'] === true || config['do_lowercase_and_remove_accent']) return null;
  const model = json['model'] as Record<string, unknown> | undefined;
  if (model?.['type'] !== 'BPE' || model['byte_fallback'] !== true || model['dropout']) return null;
  if (model['end_of_word_suffix'] || model['continuing_subword_prefix'] || model['continuing_subword_suffix']) return null;
  if (!isSpaceReplace(json['normalizer']) || !isNoOpAfterReplace(json['pre_tokenizer'])) return null;
  const merges = readMerges(model['merges']);
  const post = readPostProcessor(json['post_processor']);
  const added = json['added_tokens'];
  if (!merges || !post || !Array.isArray(added)) return null;
  const addedTokens: string[] = [];
  for (const t of added as Record<string, unknown>[]) {
    // A normalized added token would be matched after the space replacement; none of the supported files has one.
    if (typeof t['content'] !== 'string' || typeof t['id'] !== 'number' || t['lstrip'] || t['rstrip'] || t['normalized'] || t['single_word']) return null;
    addedTokens.push(t['content']);
  }
  return { merges, ignoreMerges: model['ignore_merges'] === true, addedTokens, ...post };
}

/** `{"type": "Replace", "pattern": {"String": " "}, "content": "▁"}` and nothing else. */
function isSpaceReplace(value: unknown): boolean {
  const v = value as Record<string, unknown> | null | undefined;
  return v?.['type'] === 'Replace' && (v['pattern'] as { String?: unknown } | undefined)?.String === ' ' && v['content'] === SPACE_SYMBOL;
}

/** None, or a split on " " — which finds nothing once the normaliser has replaced every space (Gemma 3's file). */
function isNoOpAfterReplace(value: unknown): boolean {
  const v = value as Record<string, unknown> | null | undefined;
  if (v === null || v === undefined) return true;
  return v['type'] === 'Split' && (v['pattern'] as { String?: unknown } | undefined)?.String === ' ' && v['invert'] !== true;
}
