import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { boundedConstrainedText, checkConstraint, constrainedText, ConstraintError, type Constraint } from './structured.ts';
import { MAX_OBJECT_PROPERTIES, MAX_SCHEMA_DEPTH, MAX_SCHEMA_PROPERTIES } from './structured-schema-walk.ts';
import { createRng } from './rng.ts';
import { loadTokenizer, defaultTokenizerDir } from '../tokenizer/tokenizer.ts';

const tokenizer = loadTokenizer(defaultTokenizerDir());
const rng = (seed = 0) => createRng(0, 'bounded', seed, 'structure');
const budget = (maxTokens: number) => ({ tokenizer, maxTokens });

/** Each asks for far more than any budget: generated lazily, they must stop just past it. */
const HUGE: [string, Constraint][] = [
  [
    'minItems 1e8',
    { kind: 'json', schema: { type: 'array', minItems: 1e8, items: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } },
  ],
  ['minLength 1e7', { kind: 'json', schema: { type: 'object', properties: { s: { type: 'string', minLength: 1e7 } }, required: ['s'] } }],
  ['minProperties 1e8', { kind: 'json', schema: { type: 'object', minProperties: 1e8 } }],
  [
    'nested minItems 1000^4',
    {
      kind: 'json',
      schema: {
        type: 'array',
        minItems: 1000,
        items: { type: 'array', minItems: 1000, items: { type: 'array', minItems: 1000, items: { type: 'string', minLength: 1000 } } },
      },
    },
  ],
  ['pattern a{1000000}', { kind: 'json', schema: { type: 'string', pattern: '^a{1000000}$' } }],
  ['regex a{1000000}', { kind: 'regex', pattern: 'a{1000000}' }],
  ['regex ((ab){1000}){1000}', { kind: 'regex', pattern: '((ab){1000}c){1000}' }],
  ['choice of 1 MB', { kind: 'choice', choices: ['x'.repeat(1_000_000)] }],
  ['const of 1 MB', { kind: 'json', schema: { const: 'y '.repeat(500_000) } }],
];

describe('structured output bounded by the token budget', () => {
  it.each(HUGE)('%s stops just past max_tokens, as a prefix of the same instance', (_name, constraint) => {
    const small = boundedConstrainedText(constraint, rng(), budget(50));
    const large = boundedConstrainedText(constraint, rng(), budget(400));
    for (const [out, max] of [
      [small, 50],
      [large, 400],
    ] as const) {
      expect(out.complete).toBe(false);
      expect(out.ids!.length).toBeGreaterThan(max);
      expect(out.ids!.length).toBeLessThan(max + 1100);
      expect(tokenizer.decode(out.ids as number[], false)).toBe(out.text);
    }
    expect(large.text.startsWith(small.text)).toBe(true);
    // Without a budget the same constraint is refused, not materialised.
    expect(() => constrainedText(constraint, rng())).toThrow(/longer than/);
  });

  it('keeps small instances whole and valid, tokenized exactly as the whole text', () => {
    const out = boundedConstrainedText(
      { kind: 'json', schema: { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] } },
      rng(),
      budget(100),
    );
    expect(out.complete).toBe(true);
    expect(out.ids).toEqual(tokenizer.encode(out.text));
    expect(Object.keys(JSON.parse(out.text) as object)).toEqual(['a']);
  });

  it('is deterministic: same stream, same bytes', () => {
    for (const [, c] of HUGE) expect(boundedConstrainedText(c, rng(7), budget(120)).text).toBe(boundedConstrainedText(c, rng(7), budget(120)).text);
  });
});

describe('regexes without backtracking', () => {
  it('refuses lookaround and backreferences with a reason', () => {
    for (const [pattern, why] of [
      ['(a|a){28,32}(?=b)', /lookahead/],
      ['(?<=x)a', /lookbehind/],
      ['(?!a)b', /lookahead/],
      ['(a)\\1', /backreference/],
      ['([a-z', /invalid regex/],
    ] as const) {
      expect(() => checkConstraint({ kind: 'regex', pattern })).toThrow(why);
      expect(() => checkConstraint({ kind: 'json', schema: { type: 'string', pattern } })).toThrow(ConstraintError);
    }
  });

  it('generates and checks exponential-for-backtracking patterns instantly', () => {
    const t = process.cpuUsage();
    for (const pattern of ['(a|a){28,32}', '(a|aa)+$', '(x+x+)+y', '^(([a-z])+.)+[A-Z]([a-z])+$']) {
      const text = constrainedText({ kind: 'regex', pattern }, rng());
      expect(new RegExp(`^(?:${pattern})$`, 'u').test(text)).toBe(true);
    }
    // Validated JSON-schema patterns go through RE2 as well (ajv's code.regExp).
    const value = JSON.parse(constrainedText({ kind: 'json', schema: { type: 'string', pattern: '^(a|a){28,32}$' } }, rng())) as string;
    expect(value).toMatch(/^a{28,32}$/);
    const used = process.cpuUsage(t);
    expect((used.user + used.system) / 1000).toBeLessThan(2000);
  });

  it('does not spin on a huge repetition of an empty group', () => {
    expect(constrainedText({ kind: 'regex', pattern: '(?:){1000000000}x(|){1000000000}' }, rng())).toBe('x');
  });

  it('generates full matches for random regexes', () => {
    const atom = fc.constantFrom('a', 'b', '[a-c]', '[^a-z]', '\\d', '\\w', '.', '[0-9A-F]', '\\s', 'é', '\\p{L}', '[\\d_]');
    const regex = fc.letrec<{ r: string }>((tie) => ({
      r: fc.oneof(
        { maxDepth: 3, depthIdentifier: 'r' },
        atom,
        fc.tuple(tie('r'), tie('r')).map(([x, y]) => x + y),
        fc.tuple(tie('r'), tie('r')).map(([x, y]) => `(${x}|${y})`),
        fc.tuple(tie('r'), fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,}')).map(([x, q]) => `(?:${x})${q}`),
      ),
    })).r;
    fc.assert(
      fc.property(regex, fc.integer({ min: 0, max: 1e6 }), (pattern, seed) => {
        const text = constrainedText({ kind: 'regex', pattern }, rng(seed));
        expect(new RegExp(`^(?:${pattern})$`, 'u').test(text), `${pattern} -> ${JSON.stringify(text)}`).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('schema walks are depth-limited', () => {
  const nested = (depth: number): Record<string, unknown> => {
    let s: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < depth; i++) s = { type: 'array', items: s };
    return s;
  };

  it('refuses a schema nested 5,000 deep with a 400-worthy reason, without overflowing the stack', () => {
    expect(() => checkConstraint({ kind: 'json', schema: nested(5000) })).toThrow(`nested deeper than ${MAX_SCHEMA_DEPTH} levels`);
    expect(() => checkConstraint({ kind: 'json', schema: nested(40) })).not.toThrow();
  });

  it('refuses too many properties before ajv compiles them (one object, and in all), and compiles 300', () => {
    const flat = (n: number, tag = 'p') => ({
      type: 'object',
      properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`${tag}${i}`, { type: 'string' }])),
    });
    expect(() => checkConstraint({ kind: 'json', schema: flat(2200) })).toThrow(
      `has an object with 2200 properties, above llmsim's limit of ${MAX_OBJECT_PROPERTIES}`,
    );
    const wide = { type: 'object', properties: { a: flat(700, 'a'), b: flat(700, 'b'), c: flat(700, 'c') } };
    expect(() => checkConstraint({ kind: 'json', schema: wide })).toThrow(`has more than ${MAX_SCHEMA_PROPERTIES} properties in all`);
    expect(() => checkConstraint({ kind: 'json', schema: flat(300) })).not.toThrow();
  });

  it('refuses a schema whose instances can never close, and closes optional recursion', () => {
    const cycle = { type: 'object', properties: { next: { $ref: '#' } }, required: ['next'] };
    expect(() => constrainedText({ kind: 'json', schema: cycle }, rng())).toThrow(/nested deeper than/);
    const tree = { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#' } } }, required: ['name'] };
    for (let seed = 0; seed < 20; seed++) expect(typeof JSON.parse(constrainedText({ kind: 'json', schema: tree }, rng(seed)))).toBe('object');
  });
});
