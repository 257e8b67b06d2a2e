import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { loadTokenizer, defaultTokenizerDir } from '../../tokenizer/tokenizer.ts';
import { planOutput, type OutputSpec } from '../../generate/output.ts';
import { DEFAULT_OUTPUT_LENGTHS } from '../../generate/plan.ts';
import { createRng } from '../../generate/rng.ts';
import { stepDelta } from './chat-stream.ts';

const tokenizer = loadTokenizer(defaultTokenizerDir());

function spec(seed: number, kind: number, maxTokens: number): OutputSpec {
  const tools = {
    tools: [
      { name: 'f', parameters: { type: 'object', properties: { q: { type: 'string' }, n: { type: 'integer' } }, required: ['q', 'n'] } },
      { name: 'g', parameters: null },
    ],
    mode: 'required' as const,
    parallel: true,
    autoCallProbability: 1,
  };
  return {
    tokenizer,
    rng: createRng(0, 'stream', seed, 'content'),
    structureRng: createRng(0, 'stream', seed, 'structure'),
    canned: null,
    maxTokens,
    ignoreEos: false,
    minTokens: 0,
    stop: kind === 0 ? [' the'] : [],
    stopTokenIds: [],
    includeStopStrInOutput: false,
    style: 'prose',
    lengths: DEFAULT_OUTPUT_LENGTHS,
    constraint:
      kind === 1 ? { kind: 'json', schema: { type: 'object', properties: { a: { type: 'array', items: { type: 'string' } } }, required: ['a'] } } : null,
    tools: kind === 2 ? tools : null,
    reasoning: kind === 3 || kind === 2 ? { parser: 'qwen3', medianTokens: 40 } : null,
  };
}

/** Replays a plan through random engine step sizes and assembles what a client would see. */
function assemble(
  plan: ReturnType<typeof planOutput>,
  steps: number[],
): { content: string; reasoning: string; calls: { id: string; name: string; args: string }[] } {
  let content = '';
  let reasoning = '';
  const calls: { id: string; name: string; args: string }[] = [];
  let released = 0;
  let i = 0;
  while (released < plan.tokenIds.length) {
    const upTo = Math.min(plan.tokenIds.length, released + (steps[i++ % steps.length] as number));
    const delta = stepDelta(plan, released, upTo, upTo === plan.tokenIds.length);
    released = upTo;
    if (delta === null) continue;
    const d = JSON.parse(delta) as {
      content?: string;
      reasoning?: string;
      tool_calls?: { index: number; id?: string; function: { name?: string; arguments: string } }[];
    };
    content += d.content ?? '';
    reasoning += d.reasoning ?? '';
    for (const t of d.tool_calls ?? []) {
      if (t.id) calls[t.index] = { id: t.id, name: t.function.name ?? '', args: '' };
      calls[t.index]!.args += t.function.arguments;
    }
  }
  return { content, reasoning, calls };
}

describe('stepDelta', () => {
  it('assembles to the non-streamed message whatever the engine step sizes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e5 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        (seed, kind, maxTokens, steps) => {
          const plan = planOutput(spec(seed, kind, maxTokens));
          const seen = assemble(plan, steps);
          expect(seen.content).toBe(plan.text);
          expect(seen.reasoning).toBe(plan.reasoning?.text ?? '');
          expect(seen.calls).toEqual(plan.toolCalls.map((c) => ({ id: c.id, name: c.name, args: c.text })));
        },
      ),
      { numRuns: 300 },
    );
  });
});
