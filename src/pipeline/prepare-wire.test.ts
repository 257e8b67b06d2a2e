import { describe, expect, it } from 'vitest';
import { decodeResult, encodeResult, transferables } from './prepare-wire.ts';
import type { PrepModel, ServerContext } from '../serving/context.ts';
import type { PlannedPrompt } from './plan-prompt.ts';

const model = { name: 'm' } as unknown as PrepModel;
const ctx = { models: [model] } as unknown as ServerContext;
const planned = (promptIds: number[]): PlannedPrompt => ({ promptIds, plans: [], logprobs: null, key: 'k', lora: null });

describe('the prepared result on the wire', () => {
  it('carries prompt ids as a movable Uint32Array and gives the engine thread the plain array back', () => {
    const ids = [0, 1, 151_668, 2 ** 32 - 1];
    const wire = encodeResult(() => ({ model, planned: planned(ids), prompts: [planned([5, 6])] }));
    const ok = (wire as { ok: { planned: { promptIds: unknown } } }).ok;
    expect(ok.planned.promptIds).toBeInstanceOf(Uint32Array);
    expect(transferables(wire)).toHaveLength(2);
    const back = structuredClone(wire, { transfer: transferables(wire) });
    const served = decodeResult<{ model: PrepModel; planned: PlannedPrompt; prompts: PlannedPrompt[] }>(ctx, back);
    expect(served.planned.promptIds).toEqual(ids);
    expect(Array.isArray(served.planned.promptIds)).toBe(true);
    expect(served.prompts[0]!.promptIds).toEqual([5, 6]);
  });

  it('keeps ids no Uint32Array can hold as they are', () => {
    for (const ids of [[-1, 2], [1.5], [2 ** 32], [Number.NaN]]) {
      const wire = encodeResult(() => ({ model, planned: planned(ids) }));
      expect(transferables(wire)).toEqual([]);
      expect(decodeResult<{ model: PrepModel; planned: PlannedPrompt }>(ctx, structuredClone(wire)).planned.promptIds).toEqual(ids);
    }
  });
});
