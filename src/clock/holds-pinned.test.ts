/** @module The grace also holds for a hold that starts blocking a waiter after the waiter was added (behind a pinned hold). */
import { describe, it, expect } from 'vitest';
import { createClockHolds } from './holds.ts';

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
  };
}

describe('clock holds grace', () => {
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
