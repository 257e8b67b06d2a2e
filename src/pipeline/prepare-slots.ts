/**
 * @module Where a preparation job stands, in memory shared by the engine's thread and every preparation worker: one
 * slot per job (`job % JOB_SLOTS`) with its state, when a worker started it and which worker. The pool reads it
 * instead of being told by messages: a "started" message per job was a second wake of the engine's thread and a
 * second message per job (measured: ~20 µs of CPU per job across both threads), and a departed client's job is
 * skipped by the worker that takes it (prepare-pool.ts says why it is not aborted in piscina).
 *
 * States move QUEUED → STARTED → FINISHED on the worker, or QUEUED → CANCELLED on the engine's thread; both moves
 * out of QUEUED are compare-and-swap, so a job is either started or cancelled, never both.
 */
import { threadId } from 'node:worker_threads';
import { hostEpochMs } from '../clock/clock.ts';

/** Slots: more than the jobs ever in flight at once (a slot is reset when its job is queued). */
export const JOB_SLOTS = 1 << 14;
export const QUEUED = 0;
export const CANCELLED = 1;
export const STARTED = 2;
export const FINISHED = 3;

/** What a worker answers for a job whose client left before it started: nothing was prepared. */
export const SKIPPED = { skipped: true } as const;

/** The shared arrays (cloned into each worker's `workerData`: the buffers are shared, not copied). */
export interface JobSlots {
  readonly state: Int32Array;
  /** `hostEpochMs()` when a worker started the job (written before its state turns STARTED). */
  readonly startedAt: Float64Array;
  /** The worker's `threadId`, so that the pool can stop that very thread when the job overruns. */
  readonly thread: Int32Array;
}

export function createJobSlots(): JobSlots {
  return {
    state: new Int32Array(new SharedArrayBuffer(4 * JOB_SLOTS)),
    startedAt: new Float64Array(new SharedArrayBuffer(8 * JOB_SLOTS)),
    thread: new Int32Array(new SharedArrayBuffer(4 * JOB_SLOTS)),
  };
}

export const slotOf = (job: number): number => job % JOB_SLOTS;

/** Engine's thread: job `job` is handed to the pool. */
export function queued(slots: JobSlots, job: number): void {
  Atomics.store(slots.state, slotOf(job), QUEUED);
}

/** Engine's thread: its client left. True when the job had not started (its worker will skip it). */
export function cancel(slots: JobSlots, job: number): boolean {
  return Atomics.compareExchange(slots.state, slotOf(job), QUEUED, CANCELLED) === QUEUED;
}

export function stateOf(slots: JobSlots, job: number): number {
  return Atomics.load(slots.state, slotOf(job));
}

/** Worker: whether the client of `job` left before it started. */
export function cancelled(slots: JobSlots, job: number): boolean {
  return Atomics.load(slots.state, slotOf(job)) === CANCELLED;
}

/** Worker: starts `job` (its deadline runs from now) unless its client left meanwhile; false then. */
export function claim(slots: JobSlots, job: number): boolean {
  const slot = slotOf(job);
  // The time and thread first: the pool reads them once it sees STARTED.
  slots.startedAt[slot] = hostEpochMs();
  slots.thread[slot] = threadId;
  return Atomics.compareExchange(slots.state, slot, QUEUED, STARTED) === QUEUED;
}

/** Worker: done with `job`, before its answer is posted (a deadline that fires meanwhile does not stop it). */
export function finished(slots: JobSlots, job: number): void {
  Atomics.store(slots.state, slotOf(job), FINISHED);
}
