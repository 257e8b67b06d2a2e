/**
 * @module Clock holds: host work (reading and preparing a request) must never move simulated time. A request takes a
 * hold stamped with its arrival the moment its headers are parsed and releases it once it is handed to the engine (or
 * rejected, or its client went away). While a hold stamped at `t` is open, no engine step may start at or after `t`
 * (every mode), and a virtual clock does not advance past `t`. Releases are idempotent, so every exit path can release.
 */

export interface ClockHolds {
  /**
   * Opens a hold stamped at simulated time `stamp`; returns its release (idempotent).
   * @example const release = clock.hold(clock.now()); try { prepare(); engine.submit(r, sink); } finally { release(); }
   */
  hold(stamp: number): () => void;
  /** Simulated time of the earliest open hold (Infinity when none). */
  earliestHold(): number;
  /** Open holds (diagnostics, tests: a leaked hold freezes virtual time). */
  openHolds(): number;
  /**
   * When a hold stamped at or before `time` is open: runs `fn` once none is left and returns true. Otherwise returns
   * false and does nothing (the caller goes on at once: the common case costs no closure).
   */
  deferWhileHeld(time: number, fn: () => void): boolean;
}

interface Waiter {
  readonly time: number;
  readonly fn: () => void;
}

/** `onRelease` runs after every release that may unblock waiters (a virtual clock re-arms its pump there). */
export function createClockHolds(onRelease: () => void = () => {}): ClockHolds {
  // Open holds in a min-heap by stamp with lazy deletion: a release marks its entry, and the top skips marked ones.
  const heap: Entry[] = [];
  let count = 0;
  let waiters: Waiter[] = [];

  const earliest = (): number => {
    while (heap.length > 0 && (heap[0] as Entry).done) popTop(heap);
    return heap.length > 0 ? (heap[0] as Entry).stamp : Infinity;
  };

  const wake = (): void => {
    if (waiters.length === 0) return;
    const first = earliest();
    if (!waiters.some((w) => w.time < first)) return;
    const due = waiters.filter((w) => w.time < first);
    waiters = waiters.filter((w) => w.time >= first);
    // On a microtask: a release comes just before the request's engine submit, in the same synchronous block, and the
    // deferred step must see that request.
    queueMicrotask(() => {
      for (const w of due) w.fn();
    });
  };

  return {
    hold(stamp) {
      const entry: Entry = { stamp, done: false };
      push(heap, entry);
      count++;
      return () => {
        if (entry.done) return;
        entry.done = true;
        if (--count === 0) heap.length = 0;
        wake();
        onRelease();
      };
    },
    earliestHold: () => (count === 0 ? Infinity : earliest()),
    openHolds: () => count,
    deferWhileHeld(time, fn) {
      if (count === 0 || earliest() > time) return false;
      waiters.push({ time, fn });
      return true;
    },
  };
}

interface Entry {
  readonly stamp: number;
  done: boolean;
}

function push(a: Entry[], e: Entry): void {
  a.push(e);
  let i = a.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if ((a[p] as Entry).stamp <= e.stamp) break;
    a[i] = a[p] as Entry;
    i = p;
  }
  a[i] = e;
}

function popTop(a: Entry[]): void {
  const last = a.pop() as Entry;
  if (a.length === 0) return;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = l < a.length && (a[l] as Entry).stamp < last.stamp ? l : -1;
    if (r < a.length && (a[r] as Entry).stamp < (m < 0 ? last.stamp : (a[m] as Entry).stamp)) m = r;
    if (m < 0) break;
    a[i] = a[m] as Entry;
    i = m;
  }
  a[i] = last;
}
