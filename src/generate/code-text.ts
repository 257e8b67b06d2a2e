/**
 * @module Text scans under code-context.ts: string literals blanked, braces left open or closed, the brackets a line
 * leaves open, and small word-list helpers. Pure and linear in the text.
 */

/** String literals blanked (`"x.json"` → `""`): the words inside them are not names. */
export function withoutStrings(text: string): string {
  return text.replace(/(["'`])(?:\\.|(?!\1)[^\\\n])*\1/g, '""');
}

/** Brace blocks left open at the end of `text` (a `}` with nothing open is ignored: the window starts mid-file). */
export function openBraces(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125 && depth > 0) depth--;
  }
  return depth;
}

/** Closing braces of `text` that close something opened before it. */
export function closedBraces(text: string): number {
  let depth = 0;
  let closed = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123) depth++;
    else if (c === 125) {
      if (depth > 0) depth--;
      else closed++;
    }
  }
  return closed;
}

const PAIR: Readonly<Record<string, string>> = { '(': ')', '[': ']' };

/** Brackets `line` leaves open, innermost first, minus the ones `rest` (the suffix's first line) closes. */
export function lineClosers(line: string, rest: string): string {
  const stack: string[] = [];
  for (const ch of line) {
    if (ch === '(' || ch === '[') stack.push(PAIR[ch] as string);
    else if ((ch === ')' || ch === ']') && stack.length > 0) stack.pop();
  }
  let closed = 0;
  let depth = 0;
  for (const ch of rest) {
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') {
      if (depth > 0) depth--;
      else closed++;
    }
  }
  return stack.reverse().slice(closed).join('');
}

export function dedupe(words: readonly string[]): string[] {
  return [...new Set(words)];
}

export function words(list: string): ReadonlySet<string> {
  return new Set(list.split(' '));
}
