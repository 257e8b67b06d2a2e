/**
 * @module Writes plausible code for a context (code-context.ts): it finishes the cursor's unfinished line, writes
 * statements at the cursor's indentation with the context's identifiers (assigning first the names the suffix reads),
 * returns when the function ends there, closes the blocks the suffix does not close, and ends so that the suffix goes
 * on where it should. Small templates per language family; every choice is drawn from the request's seeded stream.
 * ASCII only, so every character is one UTF-16 unit and the tokenizer never splits a character.
 */
import type { CodeContext } from './code-context.ts';
import type { CodeLang } from './code-detect.ts';
import { pick, randInt, type Rng } from './rng.ts';

export interface WriteGoal {
  /** Statements written in the cursor's block before the natural end. */
  readonly statements: number;
  /** Keep writing (inside the block for a middle, new functions after a continuation) up to this many characters. */
  readonly minChars: number;
  /** A continuation's natural length in characters (whole functions are added until it is reached). */
  readonly naturalChars: number;
  /** Name for a new function (from a chat request), when there is one. */
  readonly fnName?: string | null;
}

const LOCALS = ['result', 'total', 'count', 'value', 'output', 'current', 'index', 'offset', 'size', 'best'];
/** Parameter names of a function the writer makes up. */
const PARAMS = ['items', 'values', 'text', 'data', 'key', 'limit', 'path', 'name'];
const FUNCS: Readonly<Record<CodeLang, readonly string[]>> = {
  python: ['compute_total', 'find_item', 'parse_value', 'load_data', 'process_items', 'merge_values', 'count_matches'],
  js: ['computeTotal', 'findItem', 'parseValue', 'loadData', 'processItems', 'mergeValues', 'countMatches'],
  c: ['compute_total', 'find_index', 'parse_value', 'sum_values', 'max_value', 'count_matches'],
};
const END: Readonly<Record<CodeLang, string>> = { python: '', js: ';', c: ';' };

/** The middle (or continuation) for `ctx`, as text. */
export function writeCode(ctx: CodeContext, rng: Rng, goal: WriteGoal): string {
  return new Writer(ctx, rng, goal).write();
}

class Writer {
  readonly #ctx: CodeContext;
  readonly #rng: Rng;
  readonly #goal: WriteGoal;
  readonly #lang: CodeLang;
  readonly #end: string;
  /** Names defined so far (context names first): statements read these. */
  #scope: string[];
  /** The last statement written, so the same one is not written twice in a row. */
  #last = '';
  #wanted: string[];
  #out = '';

  constructor(ctx: CodeContext, rng: Rng, goal: WriteGoal) {
    this.#ctx = ctx;
    this.#rng = rng;
    this.#goal = goal;
    this.#lang = ctx.lang;
    this.#end = END[ctx.lang];
    this.#scope = ctx.names.filter((n) => !ctx.wanted.includes(n)).slice();
    this.#wanted = ctx.wanted.slice();
  }

  write(): string {
    const c = this.#ctx;
    const u = c.unit;
    let opened = false; // the head finished a block header: the body goes one level in
    let ownBlock = false; // ...and closes that block itself (braces it wrote)
    let isFunction = c.mayReturn;
    switch (c.partialKind) {
      case 'none':
        this.#out += c.indent.slice(c.written.length);
        break;
      case 'def': {
        const named = /(?:def|function)[ \t]*\*?[ \t]*[A-Za-z_$][\w$]*$/.test(c.partial.trimEnd()) && !/(?:def|function)$/.test(c.partial.trimEnd());
        const lead = named ? '' : `${/\s$/.test(c.partial) ? '' : ' '}${this.#fnName()}`;
        this.#out += `${lead}(${this.#paramList()})${this.#lang === 'python' ? ':' : ' {'}`;
        [opened, ownBlock, isFunction] = [true, this.#lang !== 'python', true];
        break;
      }
      case 'class':
        if (!/class[ \t]+\w+$/.test(c.partial.trimEnd())) this.#out += `${/\s$/.test(c.partial) ? '' : ' '}${this.#className()}`;
        this.#classBody(c.written);
        return this.#finish(c.written, c.written === '');
      case 'include':
        this.#out += c.partial.endsWith('<') ? 'stdlib.h>' : `${/\s$/.test(c.partial) ? '' : ' '}<stdlib.h>`;
        return this.#finish('', true);
      case 'open':
        opened = true;
        isFunction ||= c.inFunction;
        break;
      case 'header':
        this.#out += this.#lang === 'python' ? ':' : ' {';
        [opened, ownBlock] = [true, this.#lang !== 'python'];
        break;
      default:
        this.#out += this.#completeLine();
        if (c.after === 'inline') {
          while (this.#out.length < this.#goal.minChars) this.#out += ` + ${this.#operand()}`;
          return this.#out;
        }
        // An unfinished `if x >` becomes a whole header; its block is the suffix's next line, or the writer's.
        if (/^(?:if|elif|while|for|with)\b/.test(c.partial)) {
          this.#out += this.#lang === 'python' ? ':' : ' {';
          if (c.after === 'newline') return this.#out;
          [opened, ownBlock] = [true, this.#lang !== 'python'];
        }
        // A middle that finishes its line and meets the suffix's next line is done (unless min_tokens wants more).
        else if (c.after === 'newline' && this.#out.length >= this.#goal.minChars) return this.#out;
        // A finished `return` line ends its block: nothing more goes in it.
        if (/^return\b/.test(c.partial)) isFunction = false;
    }
    const level = opened ? c.written + u : c.indent;
    // At the top level of a file, a continuation writes whole functions (C has no statements out there).
    if (!opened && level === '' && !isFunction && (c.after === 'end' || c.lang === 'c')) {
      if (c.after === 'end') return this.#finish('', true);
      this.#function(this.#fnName());
      return this.#finish('', false);
    }
    this.#body(level, isFunction, c.partialKind !== 'none');
    if (ownBlock) this.#out += `\n${c.written}}`;
    const base = ownBlock ? c.written : level;
    for (let i = 0; i < c.closeBlocks; i++) this.#out += `\n${dedent(base, u, i + 1)}}`;
    // Python leaves a function's block by returning; braces by their closers.
    const after = c.closeBlocks > 0 ? dedent(base, u, c.closeBlocks) : c.lang === 'python' && isFunction ? dedent(level, u, 1) : ownBlock ? c.written : level;
    return this.#finish(after, after === '');
  }

  /** Statements of one block at `level`; a function's block ends with `return`. */
  #body(level: string, isFunction: boolean, newLine: boolean): void {
    const count = Math.max(1, this.#goal.statements);
    for (let i = 0; i < count || (this.#ctx.after !== 'end' && this.#out.length < this.#goal.minChars); i++) {
      this.#line(level, this.#statement(), newLine || i > 0);
      if (i > 400_000) break;
    }
    if (isFunction) this.#line(level, `return ${this.#expr()}${this.#end}`, true);
  }

  /** A continuation after its block: whole new functions until the natural length (and any min_tokens) is reached. */
  #finish(level: string, topLevel: boolean): string {
    const c = this.#ctx;
    if (c.after === 'end') {
      const want = Math.max(this.#goal.minChars, this.#goal.naturalChars);
      while (topLevel && this.#out.length < want) this.#function(this.#fnName());
      return `${this.#out}\n`;
    }
    if (c.after === 'newline') return this.#out;
    if (c.after === 'close') return `${this.#out}\n${dedent(level, c.unit, 1)}`;
    return `${this.#out}\n${level}`;
  }

  #function(name: string): void {
    const u = this.#ctx.unit;
    const main = this.#lang === 'c' && !this.#goal.fnName && !this.#ctx.hasMain && !this.#out.includes('main(');
    const outer = this.#scope;
    this.#scope = [];
    const params = main ? '' : this.#paramList();
    const header =
      this.#lang === 'python'
        ? `def ${name}(${params}):`
        : this.#lang === 'js'
          ? `function ${name}(${params}) {`
          : main
            ? 'int main(void) {'
            : `int ${name}(${params}) {`;
    this.#out += `${this.#out === '' || this.#out.endsWith('\n') ? '' : '\n\n'}${header}`;
    if (main) {
      this.#body(u, false, true);
      this.#line(u, 'return 0;', true);
    } else this.#body(u, true, true);
    if (this.#lang !== 'python') this.#out += '\n}';
    this.#scope = outer;
  }

  #classBody(indent: string): void {
    const u = this.#ctx.unit;
    const fields = this.#pickDistinct(2);
    if (this.#lang === 'python') {
      this.#out += `:\n${indent}${u}def __init__(self, ${fields.join(', ')}):`;
      for (const f of fields) this.#out += `\n${indent}${u}${u}self.${f} = ${f}`;
    } else {
      this.#out += ` {\n${indent}${u}constructor(${fields.join(', ')}) {`;
      for (const f of fields) this.#out += `\n${indent}${u}${u}this.${f} = ${f};`;
      this.#out += `\n${indent}${u}}\n${indent}}`;
    }
  }

  #line(level: string, text: string, newLine: boolean): void {
    // Multi-line statements carry their inner lines indented relative to the first.
    const body = text.replaceAll('\n', `\n${level}`);
    this.#out += newLine ? `\n${level}${body}` : body;
  }

  /** One statement (possibly spanning lines, inner lines relative to its own indentation), not the previous one again. */
  #statement(): string {
    const wanted = this.#wanted.shift();
    if (wanted !== undefined) return this.#assign(wanted, this.#expr());
    let text = this.#draw();
    if (text === this.#last) text = this.#draw();
    this.#last = text;
    return text;
  }

  #draw(): string {
    const u = this.#ctx.unit;
    const roll = this.#rng();
    const lang = this.#lang;
    if (roll < 0.35 || this.#scope.length === 0) return this.#assign(this.#fresh(), this.#expr());
    if (roll < 0.55) {
      const coll = this.#operand();
      const acc = this.#fresh();
      this.#scope.unshift(acc);
      if (lang === 'python') return `${acc} = 0\nfor item in ${coll}:\n${u}${acc} += item`;
      if (lang === 'js') return `let ${acc} = 0;\nfor (const item of ${coll}) {\n${u}${acc} += item;\n}`;
      return `int ${acc} = 0;\nfor (int i = 0; i < ${coll}; i++) {\n${u}${acc} += i;\n}`;
    }
    if (roll < 0.72) {
      const a = this.#operand();
      const b = this.#operand(a);
      if (lang === 'python') return `if ${a} > ${b}:\n${u}${a} = ${b}`;
      return `if (${a} > ${b}) {\n${u}${a} = ${b};\n}`;
    }
    if (roll < 0.78) {
      const [coll, x] = [this.#operand(), this.#operand()];
      if (lang === 'python') return `${coll}.append(${x})`;
      if (lang === 'js') return `${coll}.push(${x});`;
    }
    if (roll < 0.88 && this.#ctx.callees.length > 0) {
      const f = pick(this.#rng, this.#ctx.callees);
      return `${f}(${this.#args()})${this.#end}`;
    }
    const a = this.#operand();
    if (lang === 'python') return this.#rng() < 0.5 ? `print(${a})` : `${this.#fresh()} = str(${a})`;
    if (lang === 'js') return this.#rng() < 0.5 ? `console.log(${a});` : this.#assign(this.#fresh(), `String(${a})`);
    return `printf("%d\\n", ${a});`;
  }

  #assign(name: string, value: string): string {
    const known = this.#scope.includes(name) || this.#ctx.params.includes(name);
    if (!this.#scope.includes(name)) this.#scope.unshift(name);
    if (this.#lang === 'python') return `${name} = ${value}`;
    if (this.#lang === 'js') return `${known ? '' : 'const '}${name} = ${value};`;
    return `${known ? '' : 'int '}${name} = ${value};`;
  }

  #expr(): string {
    const a = this.#operand();
    const b = this.#operand(a);
    const f = this.#ctx.callees.length > 0 && this.#rng() < 0.5 ? pick(this.#rng, this.#ctx.callees) : null;
    if (f !== null) return this.#rng() < 0.5 ? `${f}(${a})` : `${f}(${a}, ${b})`;
    const lang = this.#lang;
    const forms =
      lang === 'python'
        ? [`${a} + ${b}`, `${a} * ${b}`, `len(${a})`, `max(${a}, ${b})`, `[x for x in ${a} if x]`, `${a} - 1`, `sum(${a})`]
        : lang === 'js'
          ? [`${a} + ${b}`, `${a} * ${b}`, `${a}.length`, `Math.max(${a}, ${b})`, `${a}.map((x) => x * 2)`, `${a} - 1`, `${a} ?? ${b}`]
          : [`${a} + ${b}`, `${a} * ${b}`, `${a} - 1`, `${a} > ${b} ? ${a} : ${b}`, `${a} / 2`, `${a} % ${b}`];
    return pick(this.#rng, forms);
  }

  /** A name to read: one defined so far (recent ones and parameters first), else a small literal. */
  #operand(not?: string): string {
    const names = this.#scope;
    for (let tries = 0; tries < 3 && names.length > 0; tries++) {
      const n = names[Math.min(names.length - 1, Math.floor(this.#rng() * this.#rng() * names.length))] as string;
      if (n !== not) return n;
    }
    return String(randInt(this.#rng, 1, 9));
  }

  /** One or two arguments, for a call. */
  #args(): string {
    const a = this.#operand();
    return this.#rng() < 0.5 ? a : `${a}, ${this.#operand(a)}`;
  }

  #fresh(): string {
    for (const n of LOCALS) if (!this.#scope.includes(n)) return n;
    return `${pick(this.#rng, LOCALS)}${this.#scope.length}`;
  }

  #pickDistinct(k: number): string[] {
    const out: string[] = [];
    const start = randInt(this.#rng, 0, PARAMS.length - 1);
    for (const n of this.#ctx.params) if (out.length < k && !out.includes(n)) out.push(n);
    for (let i = 0; out.length < k && i < PARAMS.length; i++) {
      const n = PARAMS[(start + i) % PARAMS.length] as string;
      if (!out.includes(n)) out.push(n);
    }
    return out;
  }

  #paramList(): string {
    const names = this.#pickDistinct(randInt(this.#rng, 1, 2));
    for (const n of names) if (!this.#scope.includes(n)) this.#scope.push(n);
    return this.#lang === 'c' ? names.map((n) => `int ${n}`).join(', ') : names.join(', ');
  }

  #fnName(): string {
    const named = this.#goal.fnName;
    if (named && !this.#out.includes(` ${named}(`)) return named;
    return pick(this.#rng, FUNCS[this.#lang]);
  }

  #className(): string {
    return pick(this.#rng, ['Cache', 'Counter', 'Parser', 'Record', 'Store']);
  }

  /** Finishes the cursor's unfinished line: an operand or a method call, its open brackets, the terminator. */
  #completeLine(): string {
    const c = this.#ctx;
    let text = '';
    // After `(` or `,` come arguments; after an operator or `return`, an expression.
    if (c.partialKind === 'operand' && /[(,]\s*$/.test(c.partial)) text = `${/,$/.test(c.partial) ? ' ' : ''}${this.#args()}`;
    else if (c.partialKind === 'operand') text = `${/[\s[]$/.test(c.partial) ? '' : ' '}${this.#expr()}`;
    else if (c.partialKind === 'member')
      text = this.#lang === 'python' ? `get(${this.#operand()})` : this.#lang === 'js' ? `push(${this.#operand()})` : 'size()';
    else if (c.closers !== '') text = `, ${this.#operand()}`;
    else text = ` + ${this.#operand()}`;
    text += c.closers;
    const statement = !/^(?:if|for|while|elif|else|def|class|return)\b/.test(c.partial) || /^return\b/.test(c.partial);
    if (c.after !== 'inline' && statement && !c.partial.trimStart().startsWith('#')) text += this.#end;
    return text;
  }
}

/** `level` with `n` indentation units removed (never below nothing). */
function dedent(level: string, unit: string, n: number): string {
  return level.slice(0, Math.max(0, level.length - unit.length * n));
}
