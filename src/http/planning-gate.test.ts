/**
 * The planning gate starts generation requests on a later event-loop turn, in arrival order, and only about a
 * millisecond of their measured work per turn, so a burst of expensive requests cannot hold the loop (and the engine's
 * step timer) for long.
 */
import { describe, it, expect } from 'vitest';
import { planningTurn } from './planning-gate.ts';
import { hostMs } from '../clock/clock.ts';

/** Counts event-loop turns (one increment per check phase) until stopped. */
function turnCounter(): { readonly turn: () => number; stop: () => void } {
  let turn = 0;
  let on = true;
  const tick = (): void => {
    turn++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { turn: () => turn, stop: () => (on = false) };
}

const busy = (ms: number): void => {
  // CPU work the gate measures (a request's synchronous preparation), not a sleep.
  const end = hostMs() + ms;
  while (hostMs() < end);
};

describe('planningTurn', () => {
  it('never starts a request in the turn it arrived in, and starts requests in arrival order', async () => {
    let started = false;
    const first = planningTurn().then(() => (started = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(started).toBe(false);
    const order: number[] = [];
    await Promise.all([first, ...Array.from({ length: 10 }, (_, i) => planningTurn().then(() => order.push(i)))]);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('spreads expensive requests over turns once it has measured their cost', async () => {
    const counter = turnCounter();
    const turns: number[] = [];
    await Promise.all(
      Array.from({ length: 40 }, () =>
        planningTurn().then(() => {
          turns.push(counter.turn());
          busy(2);
        }),
      ),
    );
    counter.stop();
    const perTurn = new Map<number, number>();
    for (const t of turns) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    const counts = [...perTurn.values()];
    // The first turn goes by the cost learned so far; after it, 2 ms requests start one or two at a time.
    expect(counts.slice(1).every((n) => n <= 2)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
    // Cheap requests are started many per turn again (no turn per request for a flood of small bodies).
    const cheap: number[] = [];
    const counter2 = turnCounter();
    for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 50 }, () => planningTurn().then(() => cheap.push(counter2.turn()))));
    counter2.stop();
    expect(new Set(cheap.slice(-50)).size).toBeLessThanOrEqual(3);
  });
});
