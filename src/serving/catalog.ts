/** @module Facts about models llmsim knows out of the box: tokenizer source, context window. Any other name uses the default tokenizer. */
import { defaultTokenizerDir } from '../tokenizer/tokenizer.ts';

export interface CatalogEntry {
  readonly tokenizerDir: () => string;
  readonly maxModelLen: number;
}

const QWEN3 = { tokenizerDir: defaultTokenizerDir };

const CATALOG: Readonly<Record<string, CatalogEntry>> = {
  'Qwen/Qwen3-8B': { ...QWEN3, maxModelLen: 40960 },
  'Qwen/Qwen3-4B': { ...QWEN3, maxModelLen: 40960 },
  'Qwen/Qwen3-32B': { ...QWEN3, maxModelLen: 40960 },
  'Qwen/Qwen3-0.6B': { ...QWEN3, maxModelLen: 40960 },
};

export const FALLBACK_MAX_MODEL_LEN = 32768;

export function catalogEntry(model: string): CatalogEntry | null {
  return CATALOG[model] ?? null;
}
