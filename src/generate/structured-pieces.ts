/**
 * @module Text released as a stream of pieces, for lazily written structured output: large literals in slices (a 10 MB
 * `const`, enum value or choice is never released whole), a regex's one-character pieces joined into runs, and a JSON
 * value's Python `json.dumps` text piece by piece.
 */
import { isObject } from './structured-schema-walk.ts';

export type Pieces = Generator<string, void, undefined>;

/** Large literals are released in slices of this many characters. */
export const SLICE = 4096;

/** Text in slices of at most SLICE characters. */
export function* sliced(text: string): Pieces {
  for (let i = 0; i < text.length; i += SLICE) yield text.slice(i, i + SLICE);
}

/** Pieces joined into runs of about 256 characters: a regex writes one character at a time. */
export function* batched(pieces: Iterator<string>): Pieces {
  let run = '';
  for (let r = pieces.next(); !r.done; r = pieces.next()) {
    if ((run += r.value).length >= 256) {
      yield run;
      run = '';
    }
  }
  if (run) yield run;
}

/** A JSON value's Python-style text, sliced (json.dumps of a 10 MB string is still released a slice at a time). */
export function* literal(v: unknown): Pieces {
  if (typeof v === 'string') {
    yield '"';
    for (const s of sliced(v)) yield escaped(s);
    yield '"';
  } else if (Array.isArray(v)) {
    yield '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) yield ', ';
      yield* literal(v[i]);
    }
    yield ']';
  } else if (isObject(v)) {
    yield '{';
    let first = true;
    for (const [k, x] of Object.entries(v)) {
      yield `${first ? '' : ', '}${JSON.stringify(k)}: `;
      first = false;
      yield* literal(x);
    }
    yield '}';
  } else if (typeof v === 'number') yield Number.isFinite(v) ? JSON.stringify(v) : 'null';
  else yield v === undefined ? 'null' : JSON.stringify(v);
}

/** The inside of a JSON string literal for `s` (escaping is per character, so slices escape independently). */
export function escaped(s: string): string {
  const q = JSON.stringify(s);
  return q.slice(1, q.length - 1);
}
