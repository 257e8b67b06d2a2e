/**
 * @module Clock holds and the step engine: a request still being prepared holds back only the steps that could admit
 * it (stamp + α_in), and a late request (its hold lapsed in real time) is queued when it is submitted.
 */
import { describe, it, expect } from 'vitest';
import { createVirtualClock } from '../clock/clock.ts';
import { createStepModel, type StepModel } from '../timing/step-model.ts';
import { loadProfile } from '../timing/profile.ts';
import { createKvCache } from './kv-cache.ts';
import { createStepEngine } from './step-engine.ts';
import type { RequestSummary } from './types.ts';
import type { StepReport } from './observer.ts';

const model = createStepModel(loadProfile('llama-3.1-8b-instruct-h100'));

/** 10 ms steps, 25 ms front-end delay, synchronous scheduling: step starts are round numbers. */
const fixed: StepModel = { stepTime: () => 0.01, ingress: 0.025, asyncScheduling: false };

function setup(stepModel: StepModel = model) {
  const clock = createVirtualClock();
  const steps: StepReport[] = [];
  const kv = createKvCache({ totalBlocks: 10_000, blockSize: 16, enablePrefixCaching: true });
  const engine = createStepEngine({ clock, model: stepModel, kv, maxNumSeqs: 256, maxNumBatchedTokens: 8192, observer: { step: (s) => steps.push(s) } });
  const summaries = new Map<string, RequestSummary>();
  const submit = (id: string, outputTokens: number, extra: { arrivalTime?: number; late?: boolean } = {}) =>
    engine.submit(
      {
        requestId: id,
        promptTokenIds: Array.from({ length: 64 }, (_, i) => i + id.length * 1000),
        sequences: [{ outputTokens, finishReason: 'length' }],
        priority: 0,
        maxTokens: outputTokens,
        ...extra,
      },
      { onTokens: () => {}, onFinished: (s) => summaries.set(id, s) },
    );
  return { clock, engine, steps, summaries, submit };
}

describe('step engine and clock holds', () => {
  it('runs the steps a held request could not join (before its stamp + α_in), and waits at the first one it could', async () => {
    const run = setup(fixed);
    run.submit('stream', 400);
    run.clock.runUntilIdle(0.1);
    const stamp = run.clock.now();
    const release = run.clock.hold(stamp);
    run.clock.runUntilIdle(1);
    const last = run.steps[run.steps.length - 1]!;
    // Steps went on past the stamp (two of them: 10 ms each), up to the first that starts at or after stamp + α_in.
    expect(last.start).toBeGreaterThan(stamp);
    expect(last.start).toBeLessThan(stamp + fixed.ingress);
    expect(last.start + last.duration).toBeGreaterThanOrEqual(stamp + fixed.ingress);
    expect(run.steps.filter((s) => s.start >= stamp)).toHaveLength(3);
    const held = run.steps.length;
    release();
    await Promise.resolve();
    run.clock.runUntilIdle();
    expect(run.steps.length).toBeGreaterThan(held);
    // The held step starts where the previous one ended: the hold did not move simulated time.
    expect(run.steps[held]!.start).toBeCloseTo(last.start + last.duration, 12);
    expect(run.summaries.get('stream')!.finishedTime).toBeGreaterThan(stamp);
  });

  it('queues a late request when it is submitted; its TTFT still counts from its arrival', () => {
    const onTime = setup();
    onTime.clock.advanceTo(1);
    onTime.submit('r', 4, { arrivalTime: 0.5 });
    onTime.clock.runUntilIdle();
    // Not late: an idle engine plans it from arrival + α_in (host time is not simulated time).
    expect(onTime.summaries.get('r')!.firstScheduledTime).toBeCloseTo(0.5 + model.ingress, 12);

    const late = setup();
    late.clock.advanceTo(1);
    late.submit('r', 4, { arrivalTime: 0.5, late: true });
    late.clock.runUntilIdle();
    const s = late.summaries.get('r')!;
    expect(s.firstScheduledTime).toBe(1);
    expect(s.arrivalTime).toBe(0.5);
    expect(s.firstTokenTime - s.arrivalTime).toBeGreaterThan(0.5);
  });
});
