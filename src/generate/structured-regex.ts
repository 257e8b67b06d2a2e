/**
 * @module Regular expressions for structured output, with no backtracking anywhere. A pattern is parsed once (a linear
 * parser, `@eslint-community/regexpp`) and text is generated from its syntax tree, lazily, one piece at a time, so a
 * huge repetition (`a{1000000}`) costs only what the token budget lets through. Matching, where a check is wanted, uses
 * RE2 (`re2js`, linear time). Constructs no regular grammar can express (lookaround, backreferences) are refused, as
 * vLLM's grammar backends refuse them.
 */
import { RegExpParser, RegExpSyntaxError, type AST } from '@eslint-community/regexpp';
import { RE2JS } from 're2js';
import { ConstraintError } from './constraint-error.ts';
import type { Rng } from './rng.ts';

/** Longest pattern accepted (llmsim limit; vLLM has none, but it compiles grammars off the event loop). */
export const MAX_REGEX_LENGTH = 65_536;
/** Deepest group nesting accepted: the parser and the generator recurse once per level. */
export const MAX_REGEX_NESTING = 100;
/** Extra repetitions drawn past a quantifier's minimum (`*`, `+`, `{2,}` and wide ranges stay short, as models write). */
const MAX_EXTRA_REPEATS = 8;

const parser = new RegExpParser({ ecmaVersion: 2025 });
const compiledPatterns = new Map<string, AST.Pattern>();
/** Characters drawn for `.`, negated classes and properties: printable ASCII first, then a few letters beyond it. */
const POOL = [...Array.from({ length: 95 }, (_, i) => 32 + i), 0xe9, 0xf1, 0xfc, 0x3b1, 0x3bb, 0x436, 0x4e2d, 0x6587, 0x3042, 0x1f600];

/** The pattern's syntax tree; ConstraintError when it is malformed, too big or uses a construct no grammar can express. */
export function compileRegex(source: string): AST.Pattern {
  let pattern = compiledPatterns.get(source);
  if (pattern) return pattern;
  if (source.length > MAX_REGEX_LENGTH) throw new ConstraintError(`the regex is ${source.length} characters long, above llmsim's limit of ${MAX_REGEX_LENGTH}`);
  if (groupNesting(source) > MAX_REGEX_NESTING) throw new ConstraintError(`the regex nests groups deeper than llmsim's limit of ${MAX_REGEX_NESTING}`);
  try {
    pattern = parser.parsePattern(source, 0, source.length, { unicode: true });
  } catch (err) {
    if (err instanceof RegExpSyntaxError) throw new ConstraintError(`invalid regex: ${err.message}`);
    throw err;
  }
  refuseUnsupported(pattern.alternatives);
  if (compiledPatterns.size >= 256) compiledPatterns.clear();
  compiledPatterns.set(source, pattern);
  return pattern;
}

/** Pieces of one string the whole pattern matches (`^`/`$`/`\b` are zero-width: nothing is written for them). */
export function* regexPieces(pattern: AST.Pattern, rng: Rng): Generator<string, void, undefined> {
  yield* alternatives(pattern.alternatives, rng);
}

/**
 * A linear-time full-match test (RE2), or null when RE2 cannot compile the pattern (a repeat count over 1,000, syntax
 * RE2 spells differently): the generator, correct by construction, is then trusted.
 */
export function fullMatcher(source: string): ((text: string) => boolean) | null {
  const re = re2(`^(?:${source})$`);
  return re ? (text) => re.test(text) : null;
}

/** ajv's `code.regExp`: JSON-schema `pattern` and `patternProperties` are tested with RE2, never with backtracking. */
export function re2Engine(source: string): { test: (s: string) => boolean } {
  return re2(source) ?? { test: () => true };
}
re2Engine.code = 'llmsim-re2';

const re2Cache = new Map<string, RE2JS | null>();

function re2(source: string): RE2JS | null {
  if (re2Cache.has(source)) return re2Cache.get(source) as RE2JS | null;
  let re: RE2JS | null;
  try {
    re = RE2JS.compile(source);
  } catch {
    re = null;
  }
  if (re2Cache.size >= 256) re2Cache.clear();
  re2Cache.set(source, re);
  return re;
}

/** Deepest `(` nesting outside classes and escapes: checked before the (recursive) parser sees the pattern. */
function groupNesting(source: string): number {
  let depth = 0;
  let max = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') max = Math.max(max, ++depth);
    else if (c === ')') depth--;
  }
  return max;
}

function refuseUnsupported(alts: readonly AST.Alternative[]): void {
  for (const alt of alts) for (const el of alt.elements) refuseElement(el);
}

function refuseElement(el: AST.Element): void {
  switch (el.type) {
    case 'Assertion':
      if (el.kind === 'lookahead' || el.kind === 'lookbehind')
        throw new ConstraintError(`regex ${el.kind} assertions (${el.raw}) are not supported: a grammar-constrained decoder cannot look around`);
      return;
    case 'Backreference':
      throw new ConstraintError(`regex backreferences (${el.raw}) are not supported: a grammar-constrained decoder cannot match them`);
    case 'Quantifier':
      return refuseElement(el.element);
    case 'Group':
    case 'CapturingGroup':
      return refuseUnsupported(el.alternatives);
    case 'ExpressionCharacterClass':
      throw new ConstraintError(`regex set operations (${el.raw}) are not supported`);
    default:
      return;
  }
}

function* alternatives(alts: readonly AST.Alternative[], rng: Rng): Generator<string, void, undefined> {
  const alt = alts.length === 1 ? alts[0] : alts[Math.floor(rng() * alts.length)];
  for (const el of (alt as AST.Alternative).elements) yield* element(el, rng);
}

function* element(el: AST.Element, rng: Rng): Generator<string, void, undefined> {
  switch (el.type) {
    case 'Quantifier': {
      const spread = Math.min(el.max - el.min, MAX_EXTRA_REPEATS);
      const count = el.min + (spread > 0 ? Math.floor(rng() * (spread + 1)) : 0);
      for (let i = 0; i < count; i++) {
        // A repetition that wrote nothing matches empty every time: stop (`(?:){1000000000}` must not spin).
        let wrote = false;
        for (const piece of element(el.element, rng)) {
          wrote ||= piece.length > 0;
          yield piece;
        }
        if (!wrote) return;
      }
      return;
    }
    case 'Group':
    case 'CapturingGroup':
      yield* alternatives(el.alternatives, rng);
      return;
    case 'Character':
      yield String.fromCodePoint(el.value);
      return;
    case 'CharacterSet':
      yield String.fromCodePoint(fromSet(el, rng));
      return;
    case 'CharacterClass':
      yield String.fromCodePoint(fromClass(el, rng));
      return;
    default:
      return; // assertions are zero-width; the rest was refused by compileRegex
  }
}

type ClassMember = AST.Character | AST.CharacterClassRange | AST.CharacterSet | AST.CharacterClass | AST.ClassStringDisjunction | AST.ExpressionCharacterClass;

function fromClass(cls: AST.CharacterClass, rng: Rng): number {
  const members = cls.elements as readonly ClassMember[];
  if (!cls.negate && members.length > 0) {
    const m = members[Math.floor(rng() * members.length)] as ClassMember;
    if (m.type === 'Character') return m.value;
    if (m.type === 'CharacterClassRange') return pickInRange(m.min.value, m.max.value, rng);
    if (m.type === 'CharacterSet') return fromSet(m, rng);
    throw new ConstraintError(`regex class syntax ${m.raw} is not supported`);
  }
  const allowed = POOL.filter((cp) => members.some((m) => inMember(m, cp)) !== cls.negate);
  if (allowed.length === 0) throw new ConstraintError(`cannot generate a character for the regex class ${cls.raw}`);
  return allowed[Math.floor(rng() * allowed.length)] as number;
}

/** A code point in [lo, hi], skipping the surrogate block (not a character on its own). */
function pickInRange(lo: number, hi: number, rng: Rng): number {
  const cp = lo + Math.floor(rng() * (hi - lo + 1));
  return cp >= 0xd800 && cp <= 0xdfff ? (lo < 0xd800 ? lo : hi) : cp;
}

function fromSet(set: AST.CharacterSet, rng: Rng): number {
  if (set.kind === 'digit' && !set.negate) return 48 + Math.floor(rng() * 10);
  if (set.kind === 'space' && !set.negate) return 32;
  const allowed = POOL.filter((cp) => inSet(set, cp) && (set.kind !== 'any' || cp !== 10));
  if (allowed.length === 0) throw new ConstraintError(`cannot generate a character for the regex escape ${set.raw}`);
  return allowed[Math.floor(rng() * allowed.length)] as number;
}

function inMember(m: ClassMember, cp: number): boolean {
  if (m.type === 'Character') return m.value === cp;
  if (m.type === 'CharacterClassRange') return cp >= m.min.value && cp <= m.max.value;
  if (m.type === 'CharacterSet') return inSet(m, cp);
  throw new ConstraintError(`regex class syntax ${m.raw} is not supported`);
}

const setTests = new Map<string, RegExp>();

/** Membership of one character: a single-character test (no repetition, so no backtracking) on the escape itself. */
function inSet(set: AST.CharacterSet, cp: number): boolean {
  if (set.kind === 'any') return cp !== 10 && cp !== 13 && cp !== 0x2028 && cp !== 0x2029;
  let re = setTests.get(set.raw);
  if (!re) setTests.set(set.raw, (re = new RegExp(`^${set.raw}$`, 'u')));
  return re.test(String.fromCodePoint(cp));
}
