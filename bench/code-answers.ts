/**
 * @module What code answers cost and how often prose is taken for code: CPU µs per call of the detector on prose and
 * on `vllm bench serve --dataset-name random` prompts (and the share of those read as code), and per planned answer
 * for a FIM middle, a code continuation and a chat code answer. Compare runs on the same machine.
 *
 *   node --import tsx bench/code-answers.ts [calls=2000]
 */
import { loadTokenizer, defaultTokenizerDir } from '../src/tokenizer/tokenizer.ts';
import { planChoice, DEFAULT_OUTPUT_LENGTHS, type PlanOptions } from '../src/generate/plan.ts';
import { codeSourceFor, chatCodeHint } from '../src/pipeline/code-prompt.ts';
import { fimPromptText } from '../src/pipeline/fim.ts';
import { createRng } from '../src/generate/rng.ts';
import type { CodeSource } from '../src/generate/code-plan.ts';
import { randomPrompts } from './random-prompts.ts';

const calls = Number(process.argv[2] ?? 2000);
const tok = loadTokenizer(defaultTokenizerDir());

function cpu(f: (i: number) => unknown, n = calls): number {
  for (let i = 0; i < Math.min(200, n); i++) f(i);
  const t = process.cpuUsage();
  for (let i = 0; i < n; i++) f(i);
  const d = process.cpuUsage(t);
  return (d.user + d.system) / n;
}

const options = (code: CodeSource | null, i: number, maxTokens: number, ignoreEos = false): PlanOptions => ({
  tokenizer: tok,
  rng: createRng(0, 'bench', i, 'content'),
  maxTokens,
  ignoreEos,
  minTokens: 0,
  stop: [],
  stopTokenIds: [],
  includeStopStrInOutput: false,
  style: code ? 'code' : 'prose',
  code,
  lengths: DEFAULT_OUTPUT_LENGTHS,
});

const prose = tok.encode('The quick brown fox jumps over the lazy dog. '.repeat(200));
const random = randomPrompts(500, 1000, 7).map((p) => tok.encode(p));
const taken = random.filter((ids) => codeSourceFor(tok, ids, 'prompt') !== null).length;
const fim = codeSourceFor(
  tok,
  tok.encode(fimPromptText('import json\n\ndef load(path):\n    with open(path) as f:\n        data = json.load(f)\n    ', '\n\nprint(load("x.json"))\n')),
  'prompt',
);
const cont = codeSourceFor(tok, tok.encode('function add(a, b) {'), 'prompt');
const chat = codeSourceFor(tok, [], chatCodeHint('Write a Python function that reverses a string'));
const rows: [string, number][] = [
  ['detect: 2,000-token prose completion prompt', cpu(() => codeSourceFor(tok, prose, 'prompt'))],
  ['detect: 1,000-token random prompt', cpu((i) => codeSourceFor(tok, random[i % random.length]!, 'prompt'))],
  ['detect: chat message, prose', cpu(() => chatCodeHint('Explain how the prefix cache works and why it matters for latency.'))],
  [
    'plan: FIM middle (context read + write), max_tokens 200',
    cpu((i) => planChoice(options(codeSourceFor(tok, tok.encode(fimPromptText('def f(a, b):\n    ', '\n    return c\n')), 'prompt'), i, 200))),
  ],
  ['plan: FIM middle, context already read', cpu((i) => planChoice(options(fim, i, 200)))],
  ['plan: code continuation, max_tokens 200', cpu((i) => planChoice(options(cont, i, 200)))],
  ['plan: chat code answer, max_tokens 1000', cpu((i) => planChoice(options(chat, i, 1000)))],
  ['plan: code continuation, ignore_eos, 2,000 tokens', cpu((i) => planChoice(options(cont, i, 2000, true)), Math.max(1, calls / 10))],
  ['plan: prose with a stop string (eager), max_tokens 200', cpu((i) => planChoice({ ...options(null, i, 200), stop: ['zzz'] }))],
];
process.stdout.write(`| case | µs CPU per call |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v.toFixed(1)} |`).join('\n')}\n`);
process.stdout.write(`random 1,000-token prompts read as code: ${taken} of ${random.length}\n`);
