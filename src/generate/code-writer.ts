/**
 * @module Writes plausible code for a context (code-context.ts): it finishes the cursor's unfinished line, writes
 * statements at the cursor's indentation with the context's identifiers (assigning first the names the suffix reads),
 * returns when the function ends there, closes the blocks the suffix does not close, and ends so that the suffix goes
 * on where it should. This file lays the code out (lines, blocks, functions, the end); the statements and names come
 * from code-statements.ts. Small templates per language family; every choice is drawn from the request's seeded
 * stream. ASCII only, so every character is one UTF-16 unit and the tokenizer never splits a character.
 */
import type { CodeContext } from './code-context.ts';
import type { CodeLang } from './code-detect.ts';
import type { Rng } from './rng.ts';
import { CodeStatements } from './code-statements.ts';

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

/** The middle (or continuation) for `ctx`, as text. */
export function writeCode(ctx: CodeContext, rng: Rng, goal: WriteGoal): string {
  return new Writer(ctx, rng, goal).write();
}

class Writer {
  readonly #ctx: CodeContext;
  readonly #goal: WriteGoal;
  readonly #lang: CodeLang;
  readonly #words: CodeStatements;
  #out = '';

  constructor(ctx: CodeContext, rng: Rng, goal: WriteGoal) {
    this.#ctx = ctx;
    this.#goal = goal;
    this.#lang = ctx.lang;
    this.#words = new CodeStatements(ctx, rng, goal.fnName);
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
        const lead = named ? '' : `${/\s$/.test(c.partial) ? '' : ' '}${this.#words.fnName(this.#out)}`;
        this.#out += `${lead}(${this.#words.paramList()})${this.#lang === 'python' ? ':' : ' {'}`;
        [opened, ownBlock, isFunction] = [true, this.#lang !== 'python', true];
        break;
      }
      case 'class':
        if (!/class[ \t]+\w+$/.test(c.partial.trimEnd())) this.#out += `${/\s$/.test(c.partial) ? '' : ' '}${this.#words.className()}`;
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
        this.#out += this.#words.completeLine();
        if (c.after === 'inline') {
          while (this.#out.length < this.#goal.minChars) this.#out += ` + ${this.#words.operand()}`;
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
      this.#function(this.#words.fnName(this.#out));
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
      this.#line(level, this.#words.statement(), newLine || i > 0);
      if (i > 400_000) break;
    }
    if (isFunction) this.#line(level, `return ${this.#words.expr()}${this.#words.end}`, true);
  }

  /** A continuation after its block: whole new functions until the natural length (and any min_tokens) is reached. */
  #finish(level: string, topLevel: boolean): string {
    const c = this.#ctx;
    if (c.after === 'end') {
      const want = Math.max(this.#goal.minChars, this.#goal.naturalChars);
      while (topLevel && this.#out.length < want) this.#function(this.#words.fnName(this.#out));
      return `${this.#out}\n`;
    }
    if (c.after === 'newline') return this.#out;
    if (c.after === 'close') return `${this.#out}\n${dedent(level, c.unit, 1)}`;
    return `${this.#out}\n${level}`;
  }

  #function(name: string): void {
    const u = this.#ctx.unit;
    const main = this.#lang === 'c' && !this.#goal.fnName && !this.#ctx.hasMain && !this.#out.includes('main(');
    this.#words.withOwnScope(() => {
      const params = main ? '' : this.#words.paramList();
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
    });
  }

  #classBody(indent: string): void {
    const u = this.#ctx.unit;
    const fields = this.#words.pickDistinct(2);
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
}

/** `level` with `n` indentation units removed (never below nothing). */
function dedent(level: string, unit: string, n: number): string {
  return level.slice(0, Math.max(0, level.length - unit.length * n));
}
