import { describe, it, expect } from 'vitest';
import { createVirtualClock, VIRTUAL_EPOCH } from './clock.ts';

describe('virtual clock', () => {
  it('runs timers in deadline order (ties in the order they were set) and never waits', () => {
    const clock = createVirtualClock();
    const seen: string[] = [];
    clock.at(2, () => seen.push('b'));
    clock.at(1, () => seen.push('a'));
    clock.at(2, () => seen.push('c'));
    const cancel = clock.at(1.5, () => seen.push('cancelled'));
    cancel();
    clock.advanceTo(1.5);
    expect(seen).toEqual(['a']);
    expect(clock.now()).toBe(1.5);
    clock.runUntilIdle();
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(clock.now()).toBe(2);
    expect(clock.pending()).toBe(0);
  });

  it('runs timers set by timers and reports a fixed epoch', () => {
    const clock = createVirtualClock();
    let ticks = 0;
    const tick = (): void => {
      if (++ticks < 5) clock.at(clock.now() + 0.25, tick);
    };
    clock.at(0, tick);
    clock.advanceBy(10);
    expect(ticks).toBe(5);
    expect(clock.now()).toBe(10);
    expect(clock.unixSeconds()).toBe(VIRTUAL_EPOCH + 10);
  });
});
