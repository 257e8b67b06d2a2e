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

describe('clock holds with a grace (real and scaled time)', () => {
  /** A host wall clock and timer that only move when the test says so. */
  function fakeWall() {
    let wall = 0;
    const timers: { at: number; fn: () => void }[] = [];
    return {
      grace: { ms: 20, wallMs: () => wall, after: (ms: number, fn: () => void) => void timers.push({ at: wall + ms, fn }) },
      advance(ms: number) {
        wall += ms;
        for (const t of timers.splice(0).sort((a, b) => a.at - b.at)) {
          if (t.at <= wall) t.fn();
          else timers.push(t);
        }
      },
      armed: () => timers.length,
    };
  }

  it('a hold open longer than the grace stops holding steps back; its release says it was late', async () => {
    const wall = fakeWall();
    const holds = createClockHolds(undefined, wall.grace);
    const slow = holds.hold(1);
    const ran: string[] = [];
    expect(wall.armed()).toBe(0);
    expect(holds.deferWhileHeld(2, () => ran.push('step'))).toBe(true);
    expect(wall.armed()).toBe(1);
    wall.advance(19);
    await Promise.resolve();
    expect(ran).toEqual([]);
    wall.advance(1);
    await Promise.resolve();
    expect(ran).toEqual(['step']);
    expect(holds.earliestHold()).toBe(Infinity);
    expect(holds.openHolds()).toBe(1);
    expect(holds.deferWhileHeld(3, () => ran.push('later'))).toBe(false);
    expect(slow()).toBe(true);
    expect(slow()).toBe(true);
    expect(holds.openHolds()).toBe(0);
  });

  it('a hold released within the grace is on time; a pinned hold never lapses', async () => {
    const wall = fakeWall();
    const holds = createClockHolds(undefined, wall.grace);
    const quick = holds.hold(1);
    const ran: string[] = [];
    holds.deferWhileHeld(1, () => ran.push('a'));
    wall.advance(5);
    expect(quick()).toBe(false);
    await Promise.resolve();
    expect(ran).toEqual(['a']);
    const pinned = holds.hold(2);
    pinned.pin();
    holds.deferWhileHeld(2, () => ran.push('b'));
    wall.advance(1000);
    await Promise.resolve();
    expect(ran).toEqual(['a']);
    expect(pinned()).toBe(false);
    await Promise.resolve();
    expect(ran).toEqual(['a', 'b']);
  });

  it('lapses holds one after another, each after its own grace, with one timer at a time', async () => {
    const wall = fakeWall();
    const holds = createClockHolds(undefined, wall.grace);
    const first = holds.hold(1);
    wall.advance(10);
    const second = holds.hold(1.5);
    const ran: number[] = [];
    holds.deferWhileHeld(1, () => ran.push(1));
    holds.deferWhileHeld(2, () => ran.push(2));
    expect(wall.armed()).toBe(1);
    wall.advance(10);
    await Promise.resolve();
    expect(ran).toEqual([1]);
    expect(wall.armed()).toBe(1);
    wall.advance(10);
    await Promise.resolve();
    expect(ran).toEqual([1, 2]);
    expect([first(), second()]).toEqual([true, true]);
  });
  it('a step held first by a pinned admin hold, then by a slow request stated at its stamp, goes on after the grace', async () => {
    const wall = fakeWall();
    const holds = createClockHolds(undefined, wall.grace);
    const admin = holds.hold(1);
    admin.pin();
    const ran: string[] = [];
    expect(holds.deferWhileHeld(2, () => ran.push('step'))).toBe(true);
    // A replayed request with x-llmsim-arrival floored to the admin hold's stamp, still being read.
    const slow = holds.hold(1);
    admin();
    await Promise.resolve();
    expect(ran).toEqual([]);
    wall.advance(25);
    wall.advance(25);
    await Promise.resolve();
    expect(ran).toEqual(['step']);
    expect(slow()).toBe(true);
  });
});
