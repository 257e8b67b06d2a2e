/**
 * @module The only code that reads time or arms timers. Three modes share one interface: real time (absolute deadlines,
 * no drift), scaled (`speedup` X: simulated time runs X times faster) and virtual (no waiting: tests advance it by hand,
 * or a server runs it "as fast as possible"). All timers live in one min-heap; at most one OS timer is armed.
 */
import { performance } from 'node:perf_hooks';
import { createClockHolds, type ClockHolds } from './holds.ts';

/**
 * Host wall time in ms, for measuring llmsim's own work (how long preparing requests takes), never for simulated
 * time: that is the Clock's.
 */
export function hostMs(): number {
  return performance.now();
}

/**
 * Host wall time in ms on one timeline for every thread of the process: `performance.now()` counts from each
 * thread's own start, so a time one thread writes (a preparation worker: when it started a job) is compared by
 * another (the pool's deadline) on this one.
 */
export function hostEpochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Holds (holds.ts): a request being read or prepared keeps steps that could admit it from starting. */
export interface Clock extends ClockHolds {
  /** Simulated seconds since the clock started. */
  now(): number;
  /** Unix seconds for `created` fields: wall time in real/scaled modes, a fixed epoch + simulated time in virtual mode. */
  unixSeconds(): number;
  /** Unix time in fractional seconds, on the same timeline as `unixSeconds` (never goes backwards): Ollama's
   * nanosecond `created_at`. */
  unixTime(): number;
  /** Runs `fn` when simulated time reaches `time` (absolute). Returns a cancel function. */
  at(time: number, fn: () => void): () => void;
  /** How far `now` is past the simulated time `time`, in wall seconds (0 if not past, and always in virtual mode). */
  lagSince(time: number): number;
  /** Stops every pending timer. */
  stop(): void;
}

export interface VirtualClock extends Clock {
  /** Runs every timer due up to `time`, in order, then sets now = time. */
  advanceTo(time: number): void;
  advanceBy(seconds: number): void;
  /** Runs timers until none is left (or `limit` simulated seconds pass). */
  runUntilIdle(limit?: number): void;
  pending(): number;
}

interface Timer {
  time: number;
  seq: number;
  fn: (() => void) | null;
}

/**
 * Early wakes up to this long are slept off on the thread (sockets wait at most this long, as they would behind one
 * step's work); longer ones go back to the event loop.
 */
const SHORT_WAIT_MS = 2;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` (sub-millisecond precision, no CPU): a futex wait that nothing ever notifies. */
function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/** Fixed epoch for virtual time (2024-10-27T03:33:20Z), so `created` is reproducible. */
export const VIRTUAL_EPOCH = 1_730_000_000;

/**
 * Real and scaled time: how long (wall ms) one request's preparation may hold other clients' steps back (holds.ts).
 * Preparing a request takes well under this (a 1k-token prompt ~1-3 ms, an 8k one ~10-20 ms on a slow 2-core VM), so
 * its planned timings stay exact; a longer one (a 100k-token prompt, a queue of them behind one worker) enters the
 * engine late instead of stalling every stream for its whole length.
 */
export const HOLD_GRACE_MS = 20;

export function createRealClock({ speedup = 1, holdGraceMs = HOLD_GRACE_MS }: { speedup?: number; holdGraceMs?: number } = {}): Clock {
  const startWall = performance.now();
  const startUnix = Date.now() / 1000;
  const heap = new TimerHeap();
  const holds = createClockHolds(undefined, {
    ms: holdGraceMs,
    wallMs: () => performance.now(),
    after: (ms, fn) => void setTimeout(fn, ms).unref(),
  });
  let armed: { timeout: NodeJS.Timeout } | { immediate: NodeJS.Immediate } | null = null;
  let armedFor = Infinity;
  const now = (): number => ((performance.now() - startWall) / 1000) * speedup;
  const fire = (): void => {
    armed = null;
    armedFor = Infinity;
    // Run everything due, including timers that callbacks set for "now" (zero-time steps of the instant profile run
    // back to back in one turn); a cap keeps sockets served when a zero-time loop has much work queued.
    let t = now();
    let early = false;
    for (let timer = heap.peek(), n = 0; timer && n < 512; timer = heap.peek(), n++) {
      if (timer.time > t && timer.time > (t = now())) {
        // Sleep only for the timer that woke us: once something ran, the loop gets a turn (sockets, flush slices)
        // before the next one, or fast steps (scaled time) would run back to back here without any I/O between.
        const remainingMs = ((timer.time - t) / speedup) * 1000;
        if (n > 0 || remainingMs > SHORT_WAIT_MS) {
          early = true;
          break;
        }
        sleepMs(remainingMs);
        t = now();
      }
      heap.pop();
      timer.fn?.();
    }
    arm(early);
  };
  /**
   * Node truncates timer delays to whole ms (>= 1 ms) and counts them from the loop's cached time (itself whole ms), so
   * a timeout fires at its deadline or up to a millisecond or two early. A remainder of at most SHORT_WAIT_MS is slept
   * off precisely (sleepMs) rather than run down on setImmediate turns: those polled the loop without pause and, at
   * light load, cost about as much CPU as the remainder lasted (~0.5 ms per step, 667 µs of CPU per streamed token on
   * one stream). A longer early wake (a stale loop time after a busy turn) re-arms on setImmediate turns as before.
   */
  const arm = (early = false): void => {
    const next = heap.peek();
    if (!next || next.time >= armedFor) return;
    if (armed) clearTimer(armed);
    armedFor = next.time;
    const waitMs = ((next.time - now()) / speedup) * 1000;
    armed = waitMs < (early ? 2.5 : 1) ? { immediate: setImmediate(fire) } : { timeout: setTimeout(fire, Math.floor(waitMs)) };
  };
  return {
    ...holdMethods(holds),
    now,
    unixSeconds: () => Math.floor(startUnix + (performance.now() - startWall) / 1000),
    unixTime: () => startUnix + (performance.now() - startWall) / 1000,
    at(time, fn) {
      const timer = heap.push(time, fn);
      arm();
      return () => {
        timer.fn = null;
      };
    },
    lagSince: (time) => Math.max(0, now() - time) / speedup,
    stop() {
      if (armed) clearTimer(armed);
      armed = null;
      heap.clear();
    },
  };
}

/**
 * Virtual time. With `autoRun` (a server in "as fast as possible" mode) due timers run on the next event-loop turn and
 * time jumps to each timer's deadline, but never past an open hold (a request still being read or prepared): the
 * clock waits for quiescence. Without `autoRun`, only `advanceTo`/`runUntilIdle` move time (tests; they ignore holds).
 */
export function createVirtualClock({ autoRun = false }: { autoRun?: boolean } = {}): VirtualClock {
  const heap = new TimerHeap();
  let t = 0;
  let scheduled = false;
  const holds = createClockHolds(() => schedule());
  const runNext = (limit: number): boolean => {
    const timer = heap.peek();
    if (!timer || timer.time > limit) return false;
    heap.pop();
    t = Math.max(t, timer.time);
    timer.fn?.();
    return true;
  };
  const pump = (): void => {
    scheduled = false;
    // A bounded batch per turn keeps I/O (new requests, socket writes) interleaved with simulation. Timers past the
    // earliest open hold wait for its release (which schedules the pump again), so a held clock does not spin.
    for (let i = 0; i < 64 && runNext(holds.earliestHold()); i++);
    schedule();
  };
  const schedule = (): void => {
    const next = heap.peek();
    if (autoRun && !scheduled && next && next.time <= holds.earliestHold()) {
      scheduled = true;
      setImmediate(pump);
    }
  };
  const clock: VirtualClock = {
    ...holdMethods(holds),
    now: () => t,
    unixSeconds: () => Math.floor(VIRTUAL_EPOCH + t),
    unixTime: () => VIRTUAL_EPOCH + t,
    at(time, fn) {
      const timer = heap.push(Math.max(time, t), fn);
      schedule();
      return () => {
        timer.fn = null;
      };
    },
    lagSince: () => 0,
    stop: () => heap.clear(),
    advanceTo(time) {
      while (runNext(time));
      t = Math.max(t, time);
    },
    advanceBy(seconds) {
      clock.advanceTo(t + seconds);
    },
    runUntilIdle(limit = Infinity) {
      const end = t + limit;
      while (runNext(end));
    },
    pending: () => heap.size(),
  };
  return clock;
}

/** The hold methods as own properties (a spread of the holds object would do, but names keep the interface explicit). */
function holdMethods(h: ClockHolds): ClockHolds {
  return { hold: h.hold, earliestHold: h.earliestHold, openHolds: h.openHolds, deferWhileHeld: h.deferWhileHeld };
}

function clearTimer(handle: { timeout: NodeJS.Timeout } | { immediate: NodeJS.Immediate }): void {
  if ('timeout' in handle) clearTimeout(handle.timeout);
  else clearImmediate(handle.immediate);
}

/** Min-heap of timers by (time, insertion order): equal deadlines fire in the order they were set. */
class TimerHeap {
  private items: Timer[] = [];
  private seq = 0;

  size(): number {
    return this.items.length;
  }
  peek(): Timer | undefined {
    return this.items[0];
  }
  clear(): void {
    this.items = [];
  }
  push(time: number, fn: () => void): Timer {
    const timer: Timer = { time, seq: this.seq++, fn };
    const a = this.items;
    a.push(timer);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i] as Timer, a[p] as Timer)) break;
      [a[i], a[p]] = [a[p] as Timer, a[i] as Timer];
      i = p;
    }
    return timer;
  }
  pop(): Timer | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l] as Timer, a[m] as Timer)) m = l;
        if (r < a.length && less(a[r] as Timer, a[m] as Timer)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m] as Timer, a[i] as Timer];
        i = m;
      }
    }
    return top;
  }
}

function less(a: Timer, b: Timer): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
