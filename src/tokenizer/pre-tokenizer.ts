/**
 * @module A hand-written scanner for the pre-tokenizer regex of Qwen2/3 and Llama 3 (the cl100k family):
 *
 *     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 *
 * (Qwen's has `\p{N}` where Llama's has `\p{N}{1,3}`.) It gives exactly the pieces of that regex as fast-encoder-spec.ts
 * compiles it (`\s` as Unicode White_Space, contractions as `[sS]`…), by the same leftmost-alternative rules, over a
 * per-code-point class table instead of a regex: no match objects, no substrings, several times faster on text whose
 * words are all new. Any other pattern gets null and keeps the regex. Every position of a text is covered by some
 * alternative of this pattern, so the pieces tile the text (there are no gaps for `Split` to keep).
 */

/** Scans one piece: the end (exclusive, UTF-16 index) of the regex match starting at `at` (< text.length). */
export type PieceScanner = (text: string, at: number) => number;

const QWEN = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;
const LLAMA3 = String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`;

/** The scanner for a tokenizer.json `Split` regex source, or null when it is not one this module reproduces. */
export function pieceScanner(source: string): PieceScanner | null {
  if (source === QWEN) return scanner(1);
  if (source === LLAMA3) return scanner(3);
  return null;
}

// Code point classes. CR and LF are white space with a class of their own (`[\r\n]` in the pattern).
const UNKNOWN = 0;
const LETTER = 1;
const NUMBER = 2;
const SPACE = 3;
const NEWLINE = 4;
const OTHER = 5;

const LETTER_RE = /^\p{L}$/u;
const NUMBER_RE = /^\p{N}$/u;
/** Unicode White_Space, as fast-encoder-spec.ts writes `\s`. */
const SPACE_RE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/u;

/** Class of every code point, filled on first sight (a text uses few distinct ones; the table is shared per thread). */
const classes = new Uint8Array(0x110000);

function classify(cp: number): number {
  let c = classes[cp]!;
  if (c !== UNKNOWN) return c;
  // A lone surrogate is a code point of its own to a `u` regex, and matches none of the named classes.
  const ch = cp >= 0xd800 && cp <= 0xdfff ? '' : String.fromCodePoint(cp);
  if (cp === 0x0a || cp === 0x0d) c = NEWLINE;
  else if (ch === '') c = OTHER;
  else if (LETTER_RE.test(ch)) c = LETTER;
  else if (NUMBER_RE.test(ch)) c = NUMBER;
  else if (SPACE_RE.test(ch)) c = SPACE;
  else c = OTHER;
  classes[cp] = c;
  return c;
}

/** Code point at `i` (a lone surrogate as itself), as a `u` regex reads the text. */
function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
  }
  return c;
}

const width = (cp: number): number => (cp > 0xffff ? 2 : 1);

/** The class of the code point at `i`, ASCII from a flat table without the call. */
function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return ASCII[c]!;
  return classify(codePointAt(text, i));
}

const ASCII = new Uint8Array(128);
for (let c = 0; c < 128; c++) ASCII[c] = classify(c);

/** Index after the run of code points of class `cls` starting at `i` (which may be the end). */
function skipClass(text: string, i: number, cls: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (ASCII[c] !== cls) return i;
      i++;
    } else {
      const cp = codePointAt(text, i);
      if (classify(cp) !== cls) return i;
      i += width(cp);
    }
  }
  return i;
}

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 32 : c;
}

/** Length of a contraction (`'s`, `'RE`, …) at `i` (an apostrophe), or 0. */
function contraction(text: string, i: number): number {
  const a = lower(text.charCodeAt(i + 1));
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return 2; // s t m d
  const b = lower(text.charCodeAt(i + 2));
  if ((a === 0x72 && b === 0x65) || (a === 0x76 && b === 0x65) || (a === 0x6c && b === 0x6c)) return 3; // re ve ll
  return 0;
}

function scanner(maxDigits: number): PieceScanner {
  return (text, at) => {
    const n = text.length;
    const first = text.charCodeAt(at);
    // 's|'t|'re|'ve|'m|'ll|'d
    if (first === 0x27) {
      const len = contraction(text, at);
      if (len > 0) return at + len;
    }
    const cls = classAt(text, at);
    const w = first >= 0xd800 && first <= 0xdbff ? width(codePointAt(text, at)) : 1;
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (cls === LETTER) return skipClass(text, at + w, LETTER);
    if ((cls === SPACE || cls === OTHER) && at + w < n && classAt(text, at + w) === LETTER) return skipClass(text, at + w, LETTER);
    // \p{N} or \p{N}{1,3}
    if (cls === NUMBER) {
      let end = at + w;
      for (let k = 1; k < maxDigits && end < n; k++) {
        const cp = codePointAt(text, end);
        if (classify(cp) !== NUMBER) break;
        end += width(cp);
      }
      return end;
    }
    //  ?[^\s\p{L}\p{N}]+[\r\n]*
    if (cls === OTHER) return skipClass(text, skipClass(text, at + w, OTHER), NEWLINE);
    if (first === 0x20 && at + 1 < n && classAt(text, at + 1) === OTHER) return skipClass(text, skipClass(text, at + 2, OTHER), NEWLINE);
    // White space (every white space code point is one UTF-16 unit): the run [at, end) and the last CR/LF in it.
    let end = at;
    let lastNewline = -1;
    while (end < n) {
      const c = classAt(text, end);
      if (c === NEWLINE) lastNewline = end;
      else if (c !== SPACE) break;
      end++;
    }
    // \s*[\r\n]+
    if (lastNewline >= 0) return lastNewline + 1;
    // \s+(?!\S)
    if (end === n) return end;
    if (end - 1 > at) return end - 1;
    // \s+
    return end;
  };
}
