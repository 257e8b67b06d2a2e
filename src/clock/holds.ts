/**
 * @module Clock holds: host work (reading and preparing a request) must never move simulated time. A request takes a
 * hold stamped with its arrival the moment its headers are parsed and releases it once it is handed to the engine (or
 * rejected, or its client went away). While a hold stamped at `t` is open, no engine step that could admit the request
 * may start (the engine asks with its own front-end delay: `t + α_in`), and a virtual clock does not advance past `t`.
 * Releases are idempotent, so every exit path can release.
 *
 * Real and scaled time add a grace (`HoldGrace`): a hold open longer than that (wall time) stops holding steps back,
 * so one slow preparation delays other clients' steps by at most the grace, never by its whole length. Its request
 * then enters the engine when it is handed over (`release()` answers true: "late"), as a request a real front end
 * took that long to tokenize. A virtual clock has no grace: it waits for every hold, and replays stay exact.
 */

/** Ends a hold (idempotent). True when the hold had outlived the grace before it ended (its request is late). */
export interface HoldRelease {
  (): boolean;
  /** Exempts the hold from the grace: a clock hold a client keeps open on purpose (`POST /admin/clock/hold`). */
  pin(): void;
}

/** A release for a request that took no hold (an app driven without the Node server). */
export const NO_HOLD: HoldRelease = Object.assign(() => false, { pin: () => {} });

export interface ClockHolds {
  /**
   * Opens a hold stamped at simulated time `stamp`; returns its release (idempotent).
   * @example const release = clock.hold(clock.now()); try { prepare(); engine.submit(r, sink); } finally { release(); }
   */
  hold(stamp: number): HoldRelease;
  /** Simulated time of the earliest open hold still holding (Infinity when none). */
  earliestHold(): number;
  /** Open holds (diagnostics, tests: a leaked hold freezes virtual time). */
  openHolds(): number;
  /**
   * When a hold stamped at or before `time` is holding: runs `fn` once none is left (released, or past the grace)
   * and returns true. Otherwise returns false and does nothing (the caller goes on at once: the common case costs
   * no closure).
   */
  deferWhileHeld(time: number, fn: () => void): boolean;
}

/** Real and scaled time: how long (wall ms) a hold may hold steps back, and the host's wall time and timer. */
export interface HoldGrace {
  readonly ms: number;
  readonly wallMs: () => number;
  /** Runs `fn` after `ms` wall milliseconds. */
  readonly after: (ms: number, fn: () => void) => void;
}

interface Waiter {
  readonly time: number;
  readonly fn: () => void;
}

/**
 * `onRelease` runs after every release that may unblock waiters (a virtual clock re-arms its pump there); `grace`
 * (real and scaled time only) lets a hold lapse.
 */
export function createClockHolds(onRelease: () => void = () => {}, grace?: HoldGrace): ClockHolds {
  // Open holds in a min-heap by stamp with lazy deletion: a release (or a lapse) marks its entry, the top skips it.
  const heap: Entry[] = [];
  let count = 0;
  let waiters: Waiter[] = [];
  let lapseArmed = false;

  const earliest = (): number => {
    while (heap.length > 0 && !holding(heap[0] as Entry)) popTop(heap);
    return heap.length > 0 ? (heap[0] as Entry).stamp : Infinity;
  };

  /**
   * While someone waits, one wall timer at a time, for the oldest hold that can lapse: when it fires, every hold past
   * the grace lapses and the waiters it held back run. Nothing is armed per request.
   */
  const armLapse = (): void => {
    if (!grace || lapseArmed || waiters.length === 0) return;
    let oldest = Infinity;
    for (const e of heap) if (holding(e) && !e.pinned) oldest = Math.min(oldest, e.openedMs);
    if (oldest === Infinity) return;
    lapseArmed = true;
    grace.after(Math.max(0, oldest + grace.ms - grace.wallMs()), () => {
      lapseArmed = false;
      const cutoff = grace.wallMs() - grace.ms;
      for (const e of heap) if (holding(e) && !e.pinned && e.openedMs <= cutoff) e.lapsed = true;
      wake();
      armLapse();
    });
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
      const entry: Entry = { stamp, done: false, lapsed: false, pinned: false, openedMs: grace ? grace.wallMs() : 0 };
      push(heap, entry);
      count++;
      // A waiter already held back (by a pinned hold, which arms no lapse) is now held by this one too: arm for it.
      armLapse();
      const release = (): boolean => {
        if (entry.done) return entry.lapsed;
        entry.done = true;
        if (--count === 0) heap.length = 0;
        wake();
        onRelease();
        // Waiters still held by other holds (a pinned one's release may leave them behind a lapsable one).
        armLapse();
        return entry.lapsed;
      };
      // Pinned on purpose: it holds again even if it had lapsed before its handler ran.
      const pin = (): void => {
        entry.pinned = true;
        entry.lapsed = false;
      };
      return Object.assign(release, { pin });
    },
    earliestHold: () => (count === 0 ? Infinity : earliest()),
    openHolds: () => count,
    deferWhileHeld(time, fn) {
      if (count === 0 || earliest() > time) return false;
      waiters.push({ time, fn });
      armLapse();
      return true;
    },
  };
}

interface Entry {
  readonly stamp: number;
  done: boolean;
  /** Open longer than the grace: no longer holds anything back (it still counts as open until released). */
  lapsed: boolean;
  /** Never lapses (see HoldRelease.pin). */
  pinned: boolean;
  /** Host wall time it was opened (ms; 0 without a grace). */
  readonly openedMs: number;
}

function holding(e: Entry): boolean {
  return !e.done && !e.lapsed;
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
