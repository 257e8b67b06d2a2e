import { describe, it, expect } from 'vitest';
import { createClockHolds } from './holds.ts';
import { createVirtualClock } from './clock.ts';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('clock holds', () => {
  it('defers work at or after an open hold until it is released; releases are idempotent', async () => {
    const holds = createClockHolds();
    const release = holds.hold(2);
    const ran: string[] = [];
    expect(holds.deferWhileHeld(1.5, () => ran.push('before'))).toBe(false);
    expect(holds.deferWhileHeld(2, () => ran.push('at'))).toBe(true);
    expect(holds.deferWhileHeld(3, () => ran.push('after'))).toBe(true);
    expect(holds.earliestHold()).toBe(2);
    release();
    release();
    expect(holds.openHolds()).toBe(0);
    expect(ran).toEqual([]);
    await Promise.resolve();
    expect(ran).toEqual(['at', 'after']);
    expect(holds.earliestHold()).toBe(Infinity);
  });

  it('wakes a waiter only once every hold stamped at or before its time is gone', async () => {
    const holds = createClockHolds();
    const late = holds.hold(5);
    const early = holds.hold(1);
    const ran: number[] = [];
    holds.deferWhileHeld(2, () => ran.push(2));
    holds.deferWhileHeld(6, () => ran.push(6));
    early();
    await Promise.resolve();
    expect(ran).toEqual([2]);
    expect(holds.earliestHold()).toBe(5);
    late();
    await Promise.resolve();
    expect(ran).toEqual([2, 6]);
  });

  it('a running virtual clock does not pass an open hold, and resumes when it is released', async () => {
    const clock = createVirtualClock({ autoRun: true });
    const seen: number[] = [];
    for (const t of [0.5, 1, 2]) clock.at(t, () => seen.push(t));
    const release = clock.hold(1);
    for (let i = 0; i < 5; i++) await tick();
    expect(seen).toEqual([0.5, 1]);
    expect(clock.now()).toBe(1);
    release();
    for (let i = 0; i < 3; i++) await tick();
    expect(seen).toEqual([0.5, 1, 2]);
    expect(clock.now()).toBe(2);
    clock.stop();
  });
});
