/**
 * @module JSON text made elsewhere, embedded in a response body as it is. A preparation worker renders the heavy parts
 * of a body (tens of MB of prompt logprobs) while the engine's thread only splices them in: `stringifyWithRaw(value)`
 * equals `JSON.stringify` of the same value with each `RawJson` replaced by the value its text encodes, byte for byte
 * (JSON.stringify without indentation is compositional), without parsing or re-encoding the fragments.
 */

/** JSON text standing for a value of type T (the type is only for the reader: the text is not checked). */
export class RawJson<T = unknown> {
  declare readonly _value?: T;
  constructor(readonly text: string) {}
}

/** A value as the body holds it: itself, or its JSON text made elsewhere. */
export type MaybeRaw<T> = T | RawJson<T>;

/**
 * Marks where a fragment goes. NUL characters are escaped by JSON.stringify, so the mark appears in the output as the
 * quoted text `"\u0000llmsim:raw:N\u0000"`; a body string or key containing a mark is detected (see below).
 */
const MARK = '\u0000llmsim:raw:';
const ESCAPED_MARK = '"\\u0000llmsim:raw:';

/** `JSON.stringify(value)` with every RawJson's text in its place. */
export function stringifyWithRaw(value: unknown): string {
  const fragments: string[] = [];
  let clash = false;
  const text = JSON.stringify(value, (key, v: unknown) => {
    if (key.includes(MARK)) clash = true;
    if (v instanceof RawJson) {
      fragments.push(v.text);
      return `${MARK}${fragments.length - 1}\u0000`;
    }
    // Anywhere in a string, not only at its start: `x"` + mark serialises with the quoted mark inside it.
    if (typeof v === 'string' && v.includes(MARK)) clash = true;
    return v;
  });
  if (fragments.length === 0) return text;
  // A string of the body that looks like a mark (client text can be anything): parse the fragments instead (slow,
  // exact) rather than splice at the wrong place.
  if (clash) return JSON.stringify(value, (_key, v: unknown) => (v instanceof RawJson ? JSON.parse(v.text) : v));
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < fragments.length; i++) {
    const mark = `${ESCAPED_MARK}${i}\\u0000"`;
    const at = text.indexOf(mark, from);
    parts.push(text.slice(from, at), fragments[i] as string);
    from = at + mark.length;
  }
  parts.push(text.slice(from));
  return parts.join('');
}
