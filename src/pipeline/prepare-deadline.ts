/**
 * @module `--max-prepare-ms` for the preparation pool: a job may run that long, timed from when a worker started it
 * (prepare-slots.ts: the worker writes the time), not while it queues behind other jobs. One unref'd timer for every
 * job in flight, armed at most once per deadline period while jobs are in flight (not a timer per job): it scans the
 * jobs a worker has started and stops the worker thread of any past its deadline. The pool then answers that job
 * with the budget's 400 and sends the jobs that were queued on the same worker, not started, once more.
 */
import { hostEpochMs } from '../clock/clock.ts';
import { FINISHED, slotOf, STARTED, stateOf, type JobSlots } from './prepare-slots.ts';

export interface DeadlineWatch {
  /** Job `job` was handed to the pool. */
  watch(job: number): void;
  /** Job `job` was answered (or failed): nothing to watch any more. */
  forget(job: number): void;
  /** Whether job `job` was stopped for its deadline. */
  expired(job: number): boolean;
}

export interface DeadlineOptions {
  readonly maxMs: number;
  readonly slots: JobSlots;
  /** Stops the worker thread with this `threadId` (its jobs fail; piscina starts a replacement). */
  readonly stop: (threadId: number) => void;
}

export function createDeadlineWatch({ maxMs, slots, stop }: DeadlineOptions): DeadlineWatch {
  const jobs = new Set<number>();
  const over = new Set<number>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const arm = (at: number): void => {
    timer = setTimeout(check, Math.max(0, at - hostEpochMs()));
    // Jobs keep the process alive (their workers are busy), not their deadline.
    timer.unref();
  };
  const check = (): void => {
    timer = null;
    const now = hostEpochMs();
    // A job not started yet cannot be past its deadline before a whole period from now.
    let next = now + maxMs;
    for (const job of jobs) {
      const state = stateOf(slots, job);
      // Finished in time, its answer not read yet: this thread was busy past the deadline (a timer runs before the
      // messages that arrived meanwhile), which is not the job's fault.
      if (state === FINISHED) continue;
      if (state !== STARTED) continue;
      const slot = slotOf(job);
      const end = (slots.startedAt[slot] as number) + maxMs;
      if (end > now) {
        next = Math.min(next, end);
        continue;
      }
      jobs.delete(job);
      over.add(job);
      stop(slots.thread[slot] as number);
    }
    if (jobs.size > 0) arm(next);
  };
  return {
    watch(job) {
      jobs.add(job);
      if (!timer) arm(hostEpochMs() + maxMs);
    },
    forget(job) {
      jobs.delete(job);
      over.delete(job);
    },
    expired: (job) => over.has(job),
  };
}
