/**
 * @module The statements and expressions code-writer.ts lays out: assignments, loops, conditions and calls over the
 * names in scope (the context's first, then the ones written), the cursor line's completion, and made-up function,
 * class and parameter names. It owns the scope, so the names a statement reads are ones defined before it; every
 * choice is drawn from the request's seeded stream, in the order the writer asks.
 */
import type { CodeContext } from './code-context.ts';
import type { CodeLang } from './code-detect.ts';
import { pick, randInt, type Rng } from './rng.ts';

const LOCALS = ['result', 'total', 'count', 'value', 'output', 'current', 'index', 'offset', 'size', 'best'];
/** Parameter names of a function the writer makes up. */
const PARAMS = ['items', 'values', 'text', 'data', 'key', 'limit', 'path', 'name'];
const FUNCS: Readonly<Record<CodeLang, readonly string[]>> = {
  python: ['compute_total', 'find_item', 'parse_value', 'load_data', 'process_items', 'merge_values', 'count_matches'],
  js: ['computeTotal', 'findItem', 'parseValue', 'loadData', 'processItems', 'mergeValues', 'countMatches'],
  c: ['compute_total', 'find_index', 'parse_value', 'sum_values', 'max_value', 'count_matches'],
};
const END: Readonly<Record<CodeLang, string>> = { python: '', js: ';', c: ';' };

export class CodeStatements {
  readonly #ctx: CodeContext;
  readonly #rng: Rng;
  readonly #fnName: string | null | undefined;
  readonly #lang: CodeLang;
  /** A simple statement's terminator. */
  readonly end: string;
  /** Names defined so far (context names first): statements read these. */
  #scope: string[];
  /** The last statement written, so the same one is not written twice in a row. */
  #last = '';
  #wanted: string[];

  constructor(ctx: CodeContext, rng: Rng, fnName: string | null | undefined) {
    this.#ctx = ctx;
    this.#rng = rng;
    this.#fnName = fnName;
    this.#lang = ctx.lang;
    this.end = END[ctx.lang];
    this.#scope = ctx.names.filter((n) => !ctx.wanted.includes(n)).slice();
    this.#wanted = ctx.wanted.slice();
  }

  /** Runs `write` with a scope of its own (a new function's), then restores the enclosing one. */
  withOwnScope(write: () => void): void {
    const outer = this.#scope;
    this.#scope = [];
    write();
    this.#scope = outer;
  }

  /** One statement (possibly spanning lines, inner lines relative to its own indentation), not the previous one again. */
  statement(): string {
    const wanted = this.#wanted.shift();
    if (wanted !== undefined) return this.#assign(wanted, this.expr());
    let text = this.#draw();
    if (text === this.#last) text = this.#draw();
    this.#last = text;
    return text;
  }

  #draw(): string {
    const u = this.#ctx.unit;
    const roll = this.#rng();
    const lang = this.#lang;
    if (roll < 0.35 || this.#scope.length === 0) return this.#assign(this.#fresh(), this.expr());
    if (roll < 0.55) {
      const coll = this.operand();
      const acc = this.#fresh();
      this.#scope.unshift(acc);
      if (lang === 'python') return `${acc} = 0\nfor item in ${coll}:\n${u}${acc} += item`;
      if (lang === 'js') return `let ${acc} = 0;\nfor (const item of ${coll}) {\n${u}${acc} += item;\n}`;
      return `int ${acc} = 0;\nfor (int i = 0; i < ${coll}; i++) {\n${u}${acc} += i;\n}`;
    }
    if (roll < 0.72) {
      const a = this.operand();
      const b = this.operand(a);
      if (lang === 'python') return `if ${a} > ${b}:\n${u}${a} = ${b}`;
      return `if (${a} > ${b}) {\n${u}${a} = ${b};\n}`;
    }
    if (roll < 0.78) {
      const [coll, x] = [this.operand(), this.operand()];
      if (lang === 'python') return `${coll}.append(${x})`;
      if (lang === 'js') return `${coll}.push(${x});`;
    }
    if (roll < 0.88 && this.#ctx.callees.length > 0) {
      const f = pick(this.#rng, this.#ctx.callees);
      return `${f}(${this.#args()})${this.end}`;
    }
    const a = this.operand();
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

  expr(): string {
    const a = this.operand();
    const b = this.operand(a);
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
  operand(not?: string): string {
    const names = this.#scope;
    for (let tries = 0; tries < 3 && names.length > 0; tries++) {
      const n = names[Math.min(names.length - 1, Math.floor(this.#rng() * this.#rng() * names.length))] as string;
      if (n !== not) return n;
    }
    return String(randInt(this.#rng, 1, 9));
  }

  /** One or two arguments, for a call. */
  #args(): string {
    const a = this.operand();
    return this.#rng() < 0.5 ? a : `${a}, ${this.operand(a)}`;
  }

  #fresh(): string {
    for (const n of LOCALS) if (!this.#scope.includes(n)) return n;
    return `${pick(this.#rng, LOCALS)}${this.#scope.length}`;
  }

  pickDistinct(k: number): string[] {
    const out: string[] = [];
    const start = randInt(this.#rng, 0, PARAMS.length - 1);
    for (const n of this.#ctx.params) if (out.length < k && !out.includes(n)) out.push(n);
    for (let i = 0; out.length < k && i < PARAMS.length; i++) {
      const n = PARAMS[(start + i) % PARAMS.length] as string;
      if (!out.includes(n)) out.push(n);
    }
    return out;
  }

  paramList(): string {
    const names = this.pickDistinct(randInt(this.#rng, 1, 2));
    for (const n of names) if (!this.#scope.includes(n)) this.#scope.push(n);
    return this.#lang === 'c' ? names.map((n) => `int ${n}`).join(', ') : names.join(', ');
  }

  /** The request's function name unless `out` defines it already, else a made-up one. */
  fnName(out: string): string {
    const named = this.#fnName;
    if (named && !out.includes(` ${named}(`)) return named;
    return pick(this.#rng, FUNCS[this.#lang]);
  }

  className(): string {
    return pick(this.#rng, ['Cache', 'Counter', 'Parser', 'Record', 'Store']);
  }

  /** Finishes the cursor's unfinished line: an operand or a method call, its open brackets, the terminator. */
  completeLine(): string {
    const c = this.#ctx;
    let text = '';
    // After `(` or `,` come arguments; after an operator or `return`, an expression.
    if (c.partialKind === 'operand' && /[(,]\s*$/.test(c.partial)) text = `${/,$/.test(c.partial) ? ' ' : ''}${this.#args()}`;
    else if (c.partialKind === 'operand') text = `${/[\s[]$/.test(c.partial) ? '' : ' '}${this.expr()}`;
    else if (c.partialKind === 'member') text = this.#lang === 'python' ? `get(${this.operand()})` : this.#lang === 'js' ? `push(${this.operand()})` : 'size()';
    else if (c.closers !== '') text = `, ${this.operand()}`;
    else text = ` + ${this.operand()}`;
    text += c.closers;
    const statement = !/^(?:if|for|while|elif|else|def|class|return)\b/.test(c.partial) || /^return\b/.test(c.partial);
    if (c.after !== 'inline' && statement && !c.partial.trimStart().startsWith('#')) text += this.end;
    return text;
  }
}
