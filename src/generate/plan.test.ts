import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { loadTokenizer, defaultTokenizerDir } from '../tokenizer/tokenizer.ts';
import { planChoice, visibleText, visibleDelta, visibleLength, DEFAULT_OUTPUT_LENGTHS, type PlanOptions } from './plan.ts';
import { ProsePlan } from './prose-plan.ts';
import { createRng } from './rng.ts';

const tokenizer = loadTokenizer(defaultTokenizerDir());

function options(seed: number, overrides: Partial<PlanOptions> = {}): PlanOptions {
  return {
    tokenizer,
    rng: createRng(0, 'plan-test', seed, 'content'),
    maxTokens: 64,
    ignoreEos: false,
    minTokens: 0,
    stop: [],
    stopTokenIds: [],
    includeStopStrInOutput: false,
    style: 'prose',
    lengths: DEFAULT_OUTPUT_LENGTHS,
    ...overrides,
  };
}

describe('planChoice', () => {
  it('generates text that re-tokenizes to exactly the planned tokens (EOS counted but not shown)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 400 }),
        fc.boolean(),
        fc.constantFrom('prose', 'code'),
        (seed, maxTokens, ignoreEos, style) => {
          const plan = planChoice(options(seed, { maxTokens, ignoreEos, style: style as 'prose' | 'code' }));
          const textTokens = tokenizer.encode(plan.text).length;
          const eos = plan.finishReason === 'stop' ? 1 : 0;
          expect(textTokens + eos).toBe(plan.tokenIds.length);
          expect(plan.tokenIds.length).toBeLessThanOrEqual(maxTokens);
          if (ignoreEos) expect(plan.tokenIds.length).toBe(maxTokens);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is a pure function of its random stream', () => {
    const a = planChoice(options(7, { maxTokens: 300 }));
    const b = planChoice(options(7, { maxTokens: 300 }));
    expect(b).toEqual(a);
    expect([b.tokenIds, b.cumChars, b.text]).toEqual([a.tokenIds, a.cumChars, a.text]);
  });

  it('finishes with length exactly at max_tokens when ignore_eos is set', () => {
    const plan = planChoice(options(1, { maxTokens: 37, ignoreEos: true }));
    expect(plan.finishReason).toBe('length');
    expect(plan.stopReason).toBeNull();
    expect(plan.tokenIds).toHaveLength(37);
  });

  it('never stops before min_tokens', () => {
    for (let seed = 0; seed < 50; seed++) {
      const plan = planChoice(options(seed, { maxTokens: 500, minTokens: 300, lengths: { median: 5, sigma: 0.1, min: 1, max: 10 } }));
      expect(plan.tokenIds.length).toBeGreaterThanOrEqual(300);
    }
  });

  it('cuts at a stop string, reports it as stop_reason and holds back partial matches while streaming', () => {
    const free = planChoice(options(3, { maxTokens: 200, ignoreEos: true }));
    const word = free.text.split(' ')[5] as string;
    const stop = ` ${word}`;
    const plan = planChoice(options(3, { maxTokens: 200, ignoreEos: true, stop: [stop] }));
    expect(plan.finishReason).toBe('stop');
    expect(plan.stopReason).toBe(stop);
    expect(plan.text).toBe(free.text.slice(0, free.text.indexOf(stop)));
    let previous = '';
    for (let k = 0; k <= plan.tokenIds.length; k++) {
      const shown = visibleText(plan, k);
      expect(shown.startsWith(previous)).toBe(true);
      expect(plan.text.startsWith(shown)).toBe(true);
      previous = shown;
    }
    const kept = planChoice(options(3, { maxTokens: 200, ignoreEos: true, stop: [stop], includeStopStrInOutput: true }));
    expect(kept.text.endsWith(stop)).toBe(true);
  });

  it('stops on a stop token id with stop_reason set to the id and its text hidden', () => {
    const free = planChoice(options(4, { maxTokens: 100, ignoreEos: true }));
    const id = free.tokenIds[10] as number;
    const plan = planChoice(options(4, { maxTokens: 100, ignoreEos: true, stopTokenIds: [id] }));
    const at = free.tokenIds.indexOf(id);
    expect(plan.stopReason).toBe(id);
    expect(plan.tokenIds).toHaveLength(at + 1);
    expect(plan.text).toBe(tokenizer.decode(free.tokenIds.slice(0, at)));
  });

  it("plans free prose lazily with exactly the eager planner's tokens, text and offsets, in any step pattern", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        (seed, maxTokens, ignoreEos, steps, rewind) => {
          const lazy = planChoice(options(seed, { maxTokens, ignoreEos }));
          expect(lazy).toBeInstanceOf(ProsePlan);
          // A stream that cannot be forked takes the eager path: the reference.
          const stream = createRng(0, 'plan-test', seed, 'content');
          const eager = planChoice(options(seed, { maxTokens, ignoreEos, rng: () => stream() }));
          expect(eager).not.toBeInstanceOf(ProsePlan);
          // Streamed deltas first (the lazy walk), then the whole plan.
          let released = 0;
          let streamed = '';
          for (let i = 0; released < lazy.tokenCount; i++) {
            const upTo = Math.min(lazy.tokenCount, released + (steps[i % steps.length] as number));
            streamed += visibleDelta(lazy, released, upTo);
            if (rewind && i === 1) expect(visibleDelta(lazy, 0, upTo)).toBe(eager.text.slice(0, visibleLength(eager, upTo)));
            released = upTo;
          }
          expect(streamed).toBe(eager.text);
          expect([lazy.tokenCount, lazy.finishReason, lazy.stopReason, lazy.holdback]).toEqual([
            eager.tokenCount,
            eager.finishReason,
            eager.stopReason,
            eager.holdback,
          ]);
          expect(lazy.tokenIds).toEqual(eager.tokenIds);
          expect(lazy.cumChars).toEqual(eager.cumChars);
          expect(lazy.text).toBe(eager.text);
          expect(visibleDelta(lazy, 3, 9)).toBe(visibleDelta(eager, 3, 9));
          // Text first (a non-streamed answer), ids afterwards.
          const textFirst = planChoice(options(seed, { maxTokens, ignoreEos }));
          expect(textFirst.text).toBe(eager.text);
          expect(visibleDelta(textFirst, 0, 2)).toBe(visibleDelta(eager, 0, 2));
          expect(textFirst.tokenIds).toEqual(eager.tokenIds);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes code-like text for fill-in-the-middle', () => {
    const plan = planChoice(options(5, { maxTokens: 60, ignoreEos: true, style: 'code' }));
    expect(plan.text).toMatch(/[(){}=:\n]/);
  });
});
