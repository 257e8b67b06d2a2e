/**
 * @module The preparation pool (`--prepare-workers N`): piscina worker threads run preparation jobs (prepare.ts) so
 * the engine's thread keeps HTTP I/O, the clock, the engine and stream writes. Each worker builds the served
 * configuration itself from a plain snapshot (serving/build.ts `prepareConfigOf`), once; a reload or LoRA change
 * (`configVersion`) starts a fresh pool from the new snapshot and lets the old one finish what it runs.
 *
 * Budgets: a job may run `--max-prepare-ms` (timed from when a worker starts it, not while it queues behind other
 * jobs) and its worker's heap is capped at `--max-prepare-memory-mb` (worker resource limits). A job past either is
 * stopped — piscina terminates its worker and starts another — and the client gets a 400 naming the limit.
 */
import { Piscina } from 'piscina';
import { MessageChannel } from 'node:worker_threads';
import type { PrepareJob, Preparer, ServerContext } from '../serving/context.ts';
import { prepareConfigOf } from '../serving/build.ts';
import { ApiError } from '../protocol/errors.ts';

export interface PreparePoolOptions {
  /** Worker threads (at least 1; 0 means no pool: the caller prepares inline). */
  readonly workers: number;
  /** `--max-prepare-ms`: wall milliseconds one job may run. */
  readonly maxPrepareMs: number;
  /** `--max-prepare-memory-mb`: old-generation heap cap of each worker. */
  readonly maxMemoryMb: number;
  /** The worker's entry module (a file: URL): it imports the job table and exports piscina's task function. */
  readonly workerUrl: string;
  /** Real-time clocks release a request's clock hold while it is prepared (prepare.ts). */
  readonly releasesClockHold: boolean;
}

/** What the engine's thread sends a worker: the job, and a port the worker signals on when it starts it. */
export interface PoolTask extends PrepareJob {
  readonly started: MessagePort;
}

type MessagePort = import('node:worker_threads').MessagePort;

/** Budget errors, in the dialect's envelope (docs/errors.md). */
export const budgetErrors = {
  deadline: (ms: number) => new ApiError(400, 'BadRequestError', `Preparing this request (template, tokenization, planning) took longer than the llmsim limit of ${ms} ms (--max-prepare-ms). Send a smaller prompt, schema or template.`, null),
  memory: (mb: number) => new ApiError(400, 'BadRequestError', `Preparing this request needed more memory than the llmsim limit of ${mb} MB (--max-prepare-memory-mb). Send a smaller prompt, schema or template.`, null),
} as const;

export interface PreparePool extends Preparer {
  /** Starts the workers for `ctx`'s configuration now (they load tokenizers), instead of on the first request. */
  warm(ctx: ServerContext): void;
  /** Worker threads alive (tests: a worker stopped for its budget is replaced). */
  threads(): number;
}

export function createPreparePool(o: PreparePoolOptions): PreparePool {
  // One pool per distinct configuration: the replicas of a homogeneous fleet share one (N workers, not N per replica).
  const pools = new Map<string, { pool: Piscina; users: Set<ServerContext> }>();
  const keys = new WeakMap<ServerContext, { version: number; key: string }>();
  const poolFor = (ctx: ServerContext): Piscina => {
    const seen = keys.get(ctx);
    if (seen && seen.version === ctx.configVersion) return (pools.get(seen.key) as { pool: Piscina }).pool;
    const config = prepareConfigOf(ctx);
    const key = JSON.stringify(config);
    keys.set(ctx, { version: ctx.configVersion, key });
    if (seen) release(ctx, seen.key);
    let entry = pools.get(key);
    if (!entry) {
      const pool = new Piscina({
        filename: o.workerUrl,
        minThreads: o.workers,
        maxThreads: o.workers,
        idleTimeout: Number.POSITIVE_INFINITY,
        concurrentTasksPerWorker: 1,
        workerData: config,
        resourceLimits: { maxOldGenerationSizeMb: o.maxMemoryMb },
      });
      // A worker that dies outside a task (over its heap cap while loading) is replaced by piscina; never a crash here.
      pool.on('error', () => {});
      pools.set(key, (entry = { pool, users: new Set() }));
    }
    entry.users.add(ctx);
    return entry.pool;
  };
  // A configuration no replica uses any more: its pool finishes what it runs (as a request resolved before a reload).
  const release = (ctx: ServerContext, key: string): void => {
    const entry = pools.get(key);
    if (!entry) return;
    entry.users.delete(ctx);
    if (entry.users.size > 0) return;
    pools.delete(key);
    void entry.pool.close().catch(() => {});
  };

  return {
    releasesClockHold: o.releasesClockHold,
    threads: () => [...pools.values()].reduce((n, e) => n + e.pool.threads.length, 0),
    warm: (ctx) => void poolFor(ctx),
    async run(ctx, job, signal) {
      const pool = poolFor(ctx);
      const deadline = new AbortController();
      const { port1, port2 } = new MessageChannel();
      let timer: ReturnType<typeof setTimeout> | null = null;
      let started = false;
      // The deadline starts when a worker takes the job: a job queued behind others is not charged their time.
      port1.once('message', () => {
        started = true;
        timer = setTimeout(() => deadline.abort(), o.maxPrepareMs);
      });
      port1.unref();
      // A client that leaves takes its job out of the queue; a job already running is left to finish and its result
      // dropped (prepare.ts): stopping it would kill the worker, and a new one loads its tokenizer for ~1 s.
      const withdraw = new AbortController();
      const onGone = (): void => {
        if (!started) withdraw.abort();
      };
      signal?.addEventListener('abort', onGone, { once: true });
      const both = AbortSignal.any([withdraw.signal, deadline.signal]);
      try {
        const task: PoolTask = { kind: job.kind, body: job.body, started: port2 };
        return await pool.run(task, { signal: both, transferList: [port2] });
      } catch (err) {
        if (signal?.aborted) throw err;
        if (deadline.signal.aborted) throw budgetErrors.deadline(o.maxPrepareMs);
        if ((err as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') throw budgetErrors.memory(o.maxMemoryMb);
        throw err;
      } finally {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onGone);
        port1.close();
      }
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((e) => e.pool.destroy()));
    },
  };
}
