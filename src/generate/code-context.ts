/**
 * @module Where a piece of code is to be written: read from the text before it (a FIM prefix, a completion prompt's
 * tail) and the text after it (a FIM suffix). It finds the enclosing function and its parameters, the identifiers
 * in use, the names the suffix reads but nothing defines (the middle should define them), the cursor's indentation
 * and unfinished line, and how many brackets the middle must close so that prefix + middle + suffix balances.
 * Callers pass bounded windows (a few KB), so this stays cheap enough to run for every code request.
 */
import type { CodeLang } from './code-detect.ts';
import { closedBraces, dedupe, lineClosers, openBraces, withoutStrings, words } from './code-text.ts';

/** How the unfinished line before the cursor goes on. */
export type PartialKind = 'none' | 'def' | 'class' | 'include' | 'open' | 'header' | 'operand' | 'member' | 'rest';

export interface CodeContext {
  readonly lang: CodeLang;
  /** Identifiers to write with, most relevant first: parameters, the suffix's undefined names, then the rest. */
  readonly names: readonly string[];
  /** Functions the context calls (not keywords), for call expressions. */
  readonly callees: readonly string[];
  readonly params: readonly string[];
  /** Names the suffix reads that the prefix never mentions: the middle assigns them. */
  readonly wanted: readonly string[];
  /** The enclosing function's name (null at top level). */
  readonly fn: string | null;
  readonly inFunction: boolean;
  /** The cursor line's text after its indentation ('' at the start of a line) and what it needs next. */
  readonly partial: string;
  readonly partialKind: PartialKind;
  /** Indentation already written on the cursor's line. */
  readonly written: string;
  /** Indentation of the next statement (when the cursor line is unfinished: of that line). */
  readonly indent: string;
  readonly unit: string;
  /** Brackets the partial line left open that the middle closes (`)]`), innermost first. */
  readonly closers: string;
  /** Brace blocks opened before the cursor that the suffix does not close: the middle closes them. */
  readonly closeBlocks: number;
  /**
   * What follows the middle: nothing ('end'), the rest of the same line ('inline'), a line break ('newline'), a
   * block's closing brace ('close'), or code at the start of a line ('line').
   */
  readonly after: 'end' | 'inline' | 'newline' | 'close' | 'line';
  /** The middle may end with `return` (inside a function, and nothing after it in the block). */
  readonly mayReturn: boolean;
  /** The context already has a `main(...)` (a C continuation then writes helpers, not a second main). */
  readonly hasMain: boolean;
}

/** Words that are never the context's own names (keywords, and builtins a writer would not assign). */
const KEYWORDS: Readonly<Record<CodeLang, ReadonlySet<string>>> = {
  python: words(
    'False None True and as assert async await break class continue def del elif else except finally for ' +
      'from global if import in is lambda nonlocal not or pass raise return try while with yield self print ' +
      'len range str int float list dict set tuple',
  ),
  js: words(
    'async await break case catch class const continue debugger default delete do else export extends ' +
      'false finally for function if import in instanceof let new null of return static super switch this ' +
      'throw true try typeof undefined var void while yield console log string number boolean any interface ' +
      'type Math JSON Object Array Promise require module exports',
  ),
  c: words(
    'auto break case char const continue default do double else enum extern float for goto if inline int ' +
      'long register return short signed sizeof static struct switch typedef union unsigned void volatile ' +
      'while bool true false NULL nullptr include define stdio stdlib string printf std cout endl size_t ' +
      'public private protected class new delete this namespace using template typename String System out ' +
      'println main',
  ),
};

const UNIT: Readonly<Record<CodeLang, string>> = { python: '    ', js: '  ', c: '    ' };
const IDENT = /[A-Za-z_][A-Za-z0-9_]{0,39}/g;
const HEADERS: Readonly<Record<CodeLang, RegExp>> = {
  python: /^([ \t]*)(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(([^)]*)\)/,
  js: /^([ \t]*)(?:export[ \t]+)?(?:(?:async[ \t]+)?function[ \t]*\*?[ \t]*([A-Za-z_$][\w$]*)?[ \t]*\(([^)]*)\)|(?:const|let|var)[ \t]+([A-Za-z_$][\w$]*)[ \t]*=[ \t]*(?:async[ \t]*)?\(([^)]*)\)[ \t]*=>)/,
  c: /^([ \t]*)(?:[A-Za-z_][\w:<>,*&]*[ \t]+)+\**[ \t]*([A-Za-z_]\w*)[ \t]*\(([^)]*)\)[ \t]*(?:const[ \t]*)?\{?[ \t]*$/,
};
const CONTROL = /^(?:if|for|while|switch|catch|return|else|do|sizeof)$/;

/** The context of code written after `prefix` and, for a fill-in-the-middle answer, before `suffix`. */
export function readCodeContext(lang: CodeLang, prefix: string, suffix: string | null): CodeContext {
  const lines = prefix.split('\n');
  const cursor = lines[lines.length - 1] as string;
  const written = /^[ \t]*/.exec(cursor)![0];
  const partial = cursor.slice(written.length);
  const unit = indentUnit(lines, lang);
  let indent = written;
  if (partial === '') {
    const prev = lastNonBlank(lines, lines.length - 2);
    if (prev !== null) {
      const prevIndent = /^[ \t]*/.exec(prev)![0];
      const opens = opensBlock(lang, prev);
      const expected = opens ? prevIndent + unit : prevIndent;
      // Indentation the writer typed is kept (a dedent out of a block), unless a block was just opened.
      if (written === '' || (opens && expected.length > written.length)) indent = expected;
    }
  }
  const header = enclosingHeader(lang, lines, indent.length, partial !== '');
  const params = header ? parseParams(header.params) : [];
  const keywords = KEYWORDS[lang];
  const counts = new Map<string, number>();
  const callees: string[] = [];
  collect(prefix, keywords, counts, callees);
  const prefixNames = new Set(counts.keys());
  const wanted: string[] = [];
  if (suffix !== null) {
    const head = withoutStrings(suffix.split('\n', 4).join('\n'));
    for (const m of head.matchAll(IDENT)) {
      const w = m[0];
      const at = m.index + w.length;
      if (
        keywords.has(w) ||
        prefixNames.has(w) ||
        wanted.includes(w) ||
        /^\d/.test(w) ||
        suffix[m.index - 1] === '.' ||
        /^[ \t]*\(/.test(suffix.slice(at, at + 8))
      )
        continue;
      if (wanted.length < 2) wanted.push(w);
    }
    collect(suffix, keywords, counts, callees);
  }
  const fn = header?.name ?? null;
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  const names = dedupe([...params, ...wanted, ...ranked.filter((w) => w !== fn && !callees.includes(w))]).slice(0, 12);
  const after = afterKind(partial, suffix);
  const closeBlocks = lang === 'python' ? 0 : Math.max(0, openBraces(prefix) - (suffix === null ? 0 : closedBraces(suffix)));
  const inFunction = header !== null && (partial !== '' ? header.line === lines.length - 1 || indent.length > header.indent : indent.length > header.indent);
  const mayReturn = inFunction && (suffix === null || suffix.trim() === '' || endsBlock(lang, suffix, indent.length)) && !/^\s*return\b/.test(suffix ?? '');
  return {
    lang,
    names,
    callees: callees.filter((c) => c !== fn).slice(0, 6),
    params,
    wanted,
    fn,
    inFunction,
    partial,
    partialKind: partialKind(lang, partial),
    written,
    indent,
    unit,
    closers: lineClosers(partial, after === 'inline' ? ((suffix as string).split('\n', 1)[0] as string) : ''),
    closeBlocks,
    after,
    mayReturn,
    hasMain: /\bmain[ \t]*\(/.test(prefix) || (suffix !== null && /\bmain[ \t]*\(/.test(suffix)),
  };
}

function partialKind(lang: CodeLang, p: string): PartialKind {
  if (p === '') return 'none';
  const t = p.trimEnd();
  if (lang === 'python' && /^(?:async[ \t]+)?def(?:[ \t]+[A-Za-z_]\w*)?$/.test(t)) return 'def';
  if (lang === 'js' && /^(?:export[ \t]+)?(?:async[ \t]+)?function(?:[ \t]*[A-Za-z_$][\w$]*)?$/.test(t)) return 'def';
  if (lang !== 'c' && /^class(?:[ \t]+[A-Za-z_]\w*)?$/.test(t)) return 'class';
  if (lang === 'c' && /^#[ \t]*include\b/.test(t)) return 'include';
  if (opensBlock(lang, t)) return 'open';
  if (lang === 'python' ? /^(?:if|elif|while|for|with)\b[^:]*[\w)\]'"]$/.test(t) : /^(?:if|while|for)[ \t]*\(.*\)$/.test(t) && lineClosers(t, '') === '')
    return 'header';
  if (/(?:[=([,+\-*/%<>!&|:?]|\breturn|\bin|\bnot|\band|\bor)$/.test(t)) return 'operand';
  if (t.endsWith('.')) return 'member';
  return 'rest';
}

function opensBlock(lang: CodeLang, line: string): boolean {
  const t = line.trimEnd();
  return lang === 'python' ? t.endsWith(':') && !t.trimStart().startsWith('#') : t.endsWith('{');
}

function afterKind(partial: string, suffix: string | null): CodeContext['after'] {
  if (suffix === null || suffix === '') return 'end';
  const first = suffix.split('\n', 1)[0] as string;
  if (partial !== '' && first.trim() !== '') return 'inline';
  if (first.trim() === '') return suffix.length > first.length ? 'newline' : 'end';
  return first.trimStart().startsWith('}') ? 'close' : 'line';
}

/** The suffix's next code line leaves the cursor's block (a dedent, or a closing brace). */
function endsBlock(lang: CodeLang, suffix: string, indent: number): boolean {
  for (const line of suffix.split('\n', 6)) {
    if (line.trim() === '') continue;
    return lang === 'python' ? /^[ \t]*/.exec(line)![0].length < indent : line.trimStart().startsWith('}');
  }
  return true;
}

interface Header {
  readonly name: string | null;
  readonly params: string;
  readonly indent: number;
  readonly line: number;
}

/** The last function header above the cursor whose body the cursor is in (a smaller indentation). */
function enclosingHeader(lang: CodeLang, lines: readonly string[], indent: number, partialOpen: boolean): Header | null {
  const re = HEADERS[lang];
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    const m = re.exec(line);
    if (m) {
      const lead = (m[1] as string).length;
      const name = (m[2] ?? m[4] ?? null) as string | null;
      if (name !== null && CONTROL.test(name)) continue;
      if (lead < indent || (partialOpen && i === lines.length - 1)) return { name, params: (m[3] ?? m[5] ?? '') as string, indent: lead, line: i };
      continue;
    }
    // A top-level line that is not a header: the cursor is outside any function above it.
    if (line.trim() !== '' && /^\S/.test(line) && i < lines.length - 1 && indent === 0) return null;
  }
  return null;
}

/** `a, b: int = 1, *args, int *buf, const char* name` → `a, b, args, buf, name`. */
function parseParams(list: string): string[] {
  const out: string[] = [];
  for (const raw of list.split(',')) {
    const part = raw.split('=')[0]!.trim();
    if (part === '' || part === 'self' || part === 'void') continue;
    // Python/TS annotate after the name (`a: int`); C types come first (`const char *a`).
    const named = part.includes(':') ? part.split(':')[0]!.trim() : part;
    const ids = named.match(/[A-Za-z_]\w*/g);
    const name = ids?.[ids.length - 1];
    if (name && name !== 'self' && !out.includes(name)) out.push(name);
    if (out.length === 6) break;
  }
  return out;
}

function collect(source: string, keywords: ReadonlySet<string>, counts: Map<string, number>, callees: string[]): void {
  const text = withoutStrings(source);
  for (const m of text.matchAll(IDENT)) {
    const w = m[0];
    if (keywords.has(w) || w.startsWith('__')) continue;
    const at = m.index + w.length;
    if (text.charCodeAt(at) === 40 /* ( */) {
      if (!callees.includes(w) && callees.length < 8) callees.push(w);
      continue;
    }
    if (text.charCodeAt(m.index - 1) === 46 /* . */) {
      // `self.items` / `this.items` are names a method reads and writes like any local.
      const owner = text.slice(Math.max(0, m.index - 5), m.index - 1);
      if (owner === 'self' || owner === 'this') counts.set(`${owner}.${w}`, (counts.get(`${owner}.${w}`) ?? 0) + 1);
      continue;
    }
    if (/^[A-Z0-9_]+$/.test(w) && w.length > 1) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
}

function indentUnit(lines: readonly string[], lang: CodeLang): string {
  let min = Infinity;
  for (const line of lines) {
    if (line.startsWith('\t')) return '\t';
    const n = /^ */.exec(line)![0].length;
    if (n > 0 && n < line.length && n < min) min = n;
  }
  return min === Infinity || min > 8 ? UNIT[lang] : ' '.repeat(min);
}

function lastNonBlank(lines: readonly string[], from: number): string | null {
  for (let i = from; i >= 0; i--) if ((lines[i] as string).trim() !== '') return lines[i] as string;
  return null;
}
