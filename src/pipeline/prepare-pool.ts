/**
 * @module The preparation pool (`--prepare-workers N`): piscina worker threads run preparation jobs (prepare.ts) so
 * the engine's thread keeps HTTP I/O, the clock, the engine and stream writes. One pool of N workers serves every
 * replica and configuration of the process; each worker builds a configuration's environment itself from a plain
 * snapshot (serving/build.ts `prepareConfigOf`), once (prepare-configs.ts: a reload, a LoRA change or a heterogeneous
 * fleet's other replicas are other configurations, not other pools). A job names its configuration by a small number.
 *
 * Budgets: a job may run `--max-prepare-ms` (prepare-deadline.ts) and its worker's heap is capped at
 * `--max-prepare-memory-mb` (worker resource limits). A job past either is stopped — its worker thread ends and
 * piscina starts another — and the client gets a 400 naming the limit (prepare-budgets.ts).
 *
 * Each worker holds up to two jobs: the one it runs and the next, already posted, so that it goes on without waiting
 * for this thread to answer and post again (measured: ~0.1–0.2 ms less CPU per unique 1k-token request over both
 * threads). A job still queued on a worker that ends (another job's budget) did not start: it is sent once more.
 * Failing twice before starting means the workers die loading the served models (a cap below what their tokenizers
 * need: ~90 MB for Qwen3, ~160 for Llama 3.1, ~190 for Gemma 3): not the request's fault, so that configuration (or
 * the whole pool, for the start-up ones) is marked broken and every job for it gets a 500 naming the limit at once,
 * with one warning on the server's log.
 *
 * A client that leaves is answered at once, whatever its job is doing (its request then counts as aborted in
 * prepare.ts), and is no reason to stop a worker: aborting a piscina task that has been handed to a worker
 * terminates the worker (and its replacement loads a tokenizer for ~1-2 s while every request waits). Its job is
 * only marked in the shared slots (prepare-slots.ts): a job not started yet is skipped by its worker, one running
 * finishes and its result is dropped.
 */
import { Piscina } from 'piscina';
import type { PrepareJob, Preparer, ServerContext } from '../serving/context.ts';
import type { GoneSignal } from '../http/client-gone.ts';
import { prepareConfigOf } from '../serving/build.ts';
import type { ApiError } from '../protocol/errors.ts';
import { needsConfig } from './prepare-configs.ts';
import { budgetErrors, outOfMemory, workersCannotStart } from './prepare-budgets.ts';
import { createDeadlineWatch } from './prepare-deadline.ts';
import { cancel, createJobSlots, queued, QUEUED, stateOf, type JobSlots } from './prepare-slots.ts';

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
  /** The server's log: told once when a pool's workers cannot start. */
  readonly onWarning?: (message: string) => void;
}

type Snapshot = ReturnType<typeof prepareConfigOf>;

/** What the engine's thread sends a worker: the job, its number (its slot), its configuration's number. */
export interface PoolTask extends PrepareJob {
  readonly job: number;
  readonly config: number;
  /** The configuration itself, when the worker said it lacks it (prepare-configs.ts). */
  readonly snapshot?: Snapshot;
}

/** What each worker is started with: the configurations known then, and the shared job slots. */
export interface WorkerData {
  /** By number: a worker warms these before taking jobs. */
  readonly configs: readonly (readonly [number, Snapshot])[];
  readonly slots: JobSlots;
}

interface ConfigEntry {
  readonly id: number;
  readonly snapshot: Snapshot;
  /** In the workers' start-up snapshots (every worker, replacements included, has it): no job of it is sent twice. */
  startup: boolean;
  readonly users: Set<ServerContext>;
  /** Set once workers died building it: every job for this configuration fails fast with it. */
  broken: ApiError | null;
}

export interface PreparePool extends Preparer {
  /** Registers `ctx`'s configuration, so that workers started from now on load it before taking jobs. */
  warm(ctx: ServerContext): void;
  /** Starts the workers now (they load every configuration registered so far), instead of on the first request. */
  start(): void;
  /** Worker threads alive (tests: a worker stopped for its budget is replaced). */
  threads(): number;
  /** Worker threads started so far, replacements included (tests: departed clients cost no worker). */
  workersStarted(): number;
}

/** A signal that never aborts: it only makes piscina run the task alone on a worker (see `handOff`). */
const ALONE = { aborted: false, reason: undefined, addEventListener: () => {}, removeEventListener: () => {} };

/** What a departed client's hand-off rejects with (prepare.ts answers the client as gone, whatever the error). */
const DEPARTED = new Error('client left while its request was prepared');

export function createPreparePool(o: PreparePoolOptions): PreparePool {
  let pool: Piscina | null = null;
  // Set once the workers died loading the start-up configurations: every job fails fast with it.
  let broken: ApiError | null = null;
  const configs = new Map<string, ConfigEntry>();
  const slots = createJobSlots();
  const deadline = createDeadlineWatch({ maxMs: o.maxPrepareMs, slots, stop: (id) => void pool?.threads.find((w) => w.threadId === id)?.terminate() });
  let jobs = 0;
  let configIds = 0;
  let workersStarted = 0;
  const keys = new WeakMap<ServerContext, { version: number; entry: ConfigEntry }>();
  const configOf = (ctx: ServerContext): ConfigEntry => {
    const seen = keys.get(ctx);
    if (seen && seen.version === ctx.configVersion) return seen.entry;
    const snapshot = prepareConfigOf(ctx);
    const key = JSON.stringify(snapshot);
    let entry = configs.get(key);
    if (!entry) configs.set(key, (entry = { id: ++configIds, snapshot, users: new Set(), broken: null, startup: false }));
    entry.users.add(ctx);
    keys.set(ctx, { version: ctx.configVersion, entry });
    // A configuration no replica uses any more is forgotten here (workers drop it when they hold too many).
    if (seen && seen.entry !== entry) {
      seen.entry.users.delete(ctx);
      if (seen.entry.users.size === 0) configs.delete(JSON.stringify(seen.entry.snapshot));
    }
    return entry;
  };
  const started = (): Piscina => {
    if (pool) return pool;
    for (const entry of configs.values()) entry.startup = true;
    const created = new Piscina({
      filename: o.workerUrl,
      minThreads: o.workers,
      maxThreads: o.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 2,
      // Piscina's run/wait-time histograms (two clock reads and a record per job) are never read here.
      recordTiming: false,
      workerData: { configs: [...configs.values()].map((e) => [e.id, e.snapshot] as const), slots } satisfies WorkerData,
      resourceLimits: { maxOldGenerationSizeMb: o.maxMemoryMb },
    });
    // Workers run jobs and nothing between them, so a worker that dies outside a job (piscina's 'error' event) died
    // loading the start-up configurations (e.g. over its heap cap): never a crash here, and the pool is broken.
    created.on('error', (err: unknown) => markBroken(err));
    created.on('workerCreate', () => void workersStarted++);
    return (pool = created);
  };
  const markBroken = (err: unknown): void => {
    if (broken || !pool) return;
    broken = workersCannotStart(o.maxMemoryMb, err);
    o.onWarning?.(broken.message);
    // Its queued jobs are rejected (answered with `broken`) and no further worker is started.
    void pool.destroy().catch(() => {});
  };
  const configBroken = (entry: ConfigEntry, err: unknown): ApiError => {
    if (!entry.broken) {
      entry.broken = workersCannotStart(o.maxMemoryMb, err);
      o.onWarning?.(entry.broken.message);
    }
    return entry.broken;
  };

  /** One job through piscina: what the worker answered, or why it could not; settles at once if the client leaves. */
  const handOff = (entry: ConfigEntry, job: PrepareJob, snapshot: boolean, signal: GoneSignal | undefined, retry = false): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const p = started();
      const n = ++jobs;
      queued(slots, n);
      deadline.watch(n);
      const onGone = (): void => {
        // Not started: its worker skips it. Started: it finishes and its answer is dropped.
        cancel(slots, n);
        reject(DEPARTED);
      };
      signal?.addEventListener('abort', onGone, { once: true });
      const done = (): void => {
        deadline.forget(n);
        signal?.removeEventListener('abort', onGone);
      };
      const task: PoolTask = { kind: job.kind, body: job.body, given: job.given, job: n, config: entry.id, ...(snapshot ? { snapshot: entry.snapshot } : {}) };
      // Bytes whose buffer is theirs alone move to the worker instead of being copied (prepare.ts decides).
      const whole = job.transfer === true && typeof job.body !== 'string' && job.body.byteOffset === 0 && job.body.byteLength === job.body.buffer.byteLength;
      // Such a job runs alone on its worker (piscina gives a task with a signal only to an idle worker, and nothing to a
      // worker running one), so it is never queued behind another job: its bytes, gone from here, never need a resend.
      p.run(task, whole ? { transferList: [(job.body as Uint8Array).buffer as ArrayBuffer], signal: ALONE } : {}).then(
        (answer) => {
          done();
          resolve(answer);
        },
        (err: unknown) => {
          const expired = deadline.expired(n);
          done();
          if (signal?.aborted) return reject(DEPARTED);
          if (expired) return reject(budgetErrors.deadline(o.maxPrepareMs));
          if (stateOf(slots, n) === QUEUED && !broken) {
            // Its worker ended before it took this job (another job's budget): once more, on another worker. Twice
            // means the workers die loading this configuration (it came with the snapshot) or the start-up ones.
            if (!retry) return void handOff(entry, job, snapshot, signal, true).then(resolve, reject);
            if (outOfMemory(err) && snapshot) return reject(configBroken(entry, err));
            markBroken(err);
          }
          // A pool with no worker left had its replacement fail while starting too: piscina starts no more.
          if (p.threads.length === 0) markBroken(err);
          if (broken) return reject(broken);
          reject(outOfMemory(err) ? budgetErrors.memory(o.maxMemoryMb) : err);
        },
      );
    });

  return {
    releasesClockHold: o.releasesClockHold,
    threads: () => pool?.threads.length ?? 0,
    workersStarted: () => workersStarted,
    warm: (ctx) => void configOf(ctx),
    start: () => void started(),
    async run(ctx, job, signal) {
      const entry = configOf(ctx);
      if (broken) throw broken;
      if (entry.broken) throw entry.broken;
      // A job for a configuration its worker has not seen is sent once more, with the snapshot (prepare-configs.ts):
      // so its body is copied, not transferred (a transferred buffer is gone from this thread after the first send).
      const first = entry.startup || job.transfer !== true ? job : { ...job, transfer: false };
      const answer = await handOff(entry, first, false, signal);
      if (needsConfig(answer)) return handOff(entry, job, true, signal);
      return answer;
    },
    async close() {
      const p = pool;
      pool = null;
      configs.clear();
      // A broken pool is already being destroyed.
      if (p && !broken) await p.destroy();
    },
  };
}
