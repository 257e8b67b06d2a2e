/**
 * @module The preparation pool (`--prepare-workers N`): piscina worker threads run preparation jobs (prepare.ts) so
 * the engine's thread keeps HTTP I/O, the clock, the engine and stream writes. One pool of N workers serves every
 * replica and configuration of the process; each worker builds a configuration's environment itself from a plain
 * snapshot (serving/build.ts `prepareConfigOf`), once (prepare-configs.ts: a reload, a LoRA change or a heterogeneous
 * fleet's other replicas are other keys, not other pools).
 *
 * Budgets: a job may run `--max-prepare-ms` (timed from when a worker starts it, not while it queues behind other
 * jobs) and its worker's heap is capped at `--max-prepare-memory-mb` (worker resource limits). A job past either is
 * stopped — piscina terminates its worker and starts another — and the client gets a 400 naming the limit.
 *
 * A worker that cannot even load the served models (a cap below what their tokenizers need: measured ~90 MB for
 * Qwen3, ~160 for Llama 3.1, ~190 for Gemma 3) is not the request's fault: its pool is marked broken, stopped (piscina
 * would otherwise stop replacing workers that fail while starting and leave every later job queued forever), and
 * every job for that configuration gets a 500 naming the limit at once, with one warning on the server's log.
 *
 * A client that leaves is not a reason to stop a worker: aborting a piscina task that has been handed to a worker
 * terminates the worker (and its replacement loads a tokenizer for ~1-2 s while every request waits; 50 abandoned
 * 8k-token prompts held a small request for 2 s that way), and from here a task handed over cannot be told from one
 * still queued. So a departed client's job is only marked, in a shared flag per job that the worker reads when it
 * takes the job (`WorkerData.cancelled`): a job not started yet is skipped there, one running finishes and its
 * result is dropped (prepare.ts).
 */
import { Piscina } from 'piscina';
import type { PrepareJob, Preparer, ServerContext } from '../serving/context.ts';
import type { GoneSignal } from '../http/client-gone.ts';
import { prepareConfigOf } from '../serving/build.ts';
import { ApiError } from '../protocol/errors.ts';
import { needsConfig } from './prepare-configs.ts';
import { hostMs } from '../clock/clock.ts';

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

/**
 * What the engine's thread sends a worker: the job, and its number in this pool, which the worker posts back on its
 * parent port when it starts the job (piscina re-emits it as the pool's 'message' event). One small message per job:
 * a MessageChannel per job (and transferring its port) cost more main-thread CPU than the rest of the hand-off.
 */
export interface PoolTask extends PrepareJob {
  readonly job: number;
  /** Its configuration's key (prepare-configs.ts), and the snapshot itself when the worker said it lacks it. */
  readonly config: string;
  readonly snapshot?: ReturnType<typeof prepareConfigOf>;
}

/** The message a worker posts when it starts job `n`. */
export interface StartedMessage {
  readonly llmsimStarted: number;
}

/** What each worker is started with: the configuration snapshot, and the departed clients' flags (by job). */
export interface WorkerData {
  /** The configurations known when the pool started, by key: a worker warms them before taking jobs. */
  readonly configs: readonly (readonly [string, ReturnType<typeof prepareConfigOf>])[];
  /**
   * Int32 flags over a SharedArrayBuffer, one per job (`job % CANCEL_SLOTS`): 0 queued, `JOB_CANCELLED` once its
   * client left (set here), `JOB_FINISHED` once the worker is done with it (set there, before its answer is posted).
   */
  readonly cancelled: Int32Array;
}

/** Slots of the cancel flags: more than the jobs ever in flight at once (a slot is reset when its job is queued). */
export const CANCEL_SLOTS = 1 << 14;
export const JOB_CANCELLED = 1;
export const JOB_FINISHED = 2;

/** What a worker answers for a job whose client left before it started: nothing was prepared. */
export const SKIPPED = { skipped: true } as const;

/** Budget errors, in the dialect's envelope (docs/errors.md). */
export const budgetErrors = {
  deadline: (ms: number) =>
    new ApiError(
      400,
      'BadRequestError',
      `Preparing this request (template, tokenization, planning) took longer than the llmsim limit of ${ms} ms (--max-prepare-ms). Send a smaller prompt, schema or template.`,
      null,
    ),
  memory: (mb: number) =>
    new ApiError(
      400,
      'BadRequestError',
      `Preparing this request needed more memory than the llmsim limit of ${mb} MB (--max-prepare-memory-mb). Send a smaller prompt, schema or template.`,
      null,
    ),
} as const;

/** A pool whose workers die before they start a job: a server configuration problem, not the client's (500). */
export function workersCannotStart(mb: number, err: unknown): ApiError {
  const message = outOfMemory(err)
    ? `The llmsim preparation workers cannot load the served models within the limit of ${mb} MB (--max-prepare-memory-mb). Restart llmsim with a larger limit (the default is 512).`
    : `The llmsim preparation workers could not start: ${err instanceof Error ? err.message : String(err)}`;
  return new ApiError(500, 'InternalServerError', message, null);
}

interface ConfigEntry {
  readonly snapshot: ReturnType<typeof prepareConfigOf>;
  /** In the workers' start-up snapshots (every worker, replacements included, has it): no job of it is sent twice. */
  startup: boolean;
  readonly users: Set<ServerContext>;
  /** Set once a worker ran out of memory building it: every job for this configuration fails fast with it. */
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

export function createPreparePool(o: PreparePoolOptions): PreparePool {
  // One pool for every configuration (prepare-configs.ts says why), started with those registered before it.
  let pool: Piscina | null = null;
  // Set once a worker died outside a job (loading the start-up configurations): every job fails fast with it.
  let broken: ApiError | null = null;
  const configs = new Map<string, ConfigEntry>();
  // Jobs handed to piscina and not started yet, by number: told when their worker starts them.
  const waiting = new Map<number, () => void>();
  const cancelled = new Int32Array(new SharedArrayBuffer(4 * CANCEL_SLOTS));
  let jobs = 0;
  let workersStarted = 0;
  const onStarted = (m: unknown): void => {
    const n = (m as Partial<StartedMessage> | null)?.llmsimStarted;
    if (typeof n !== 'number') return;
    const started = waiting.get(n);
    waiting.delete(n);
    started?.();
  };
  const keys = new WeakMap<ServerContext, { version: number; key: string }>();
  const configOf = (ctx: ServerContext): string => {
    const seen = keys.get(ctx);
    if (seen && seen.version === ctx.configVersion) return seen.key;
    const snapshot = prepareConfigOf(ctx);
    const key = JSON.stringify(snapshot);
    keys.set(ctx, { version: ctx.configVersion, key });
    if (seen) release(ctx, seen.key);
    let entry = configs.get(key);
    if (!entry) configs.set(key, (entry = { snapshot, users: new Set(), broken: null, startup: false }));
    entry.users.add(ctx);
    return key;
  };
  // A configuration no replica uses any more is forgotten here (workers drop it when they hold too many).
  const release = (ctx: ServerContext, key: string): void => {
    const entry = configs.get(key);
    entry?.users.delete(ctx);
    if (entry && entry.users.size === 0) configs.delete(key);
  };
  const started = (): Piscina => {
    if (pool) return pool;
    for (const entry of configs.values()) entry.startup = true;
    const created = new Piscina({
      filename: o.workerUrl,
      minThreads: o.workers,
      maxThreads: o.workers,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      // Piscina's run/wait-time histograms (two clock reads and a record per job) are never read here.
      recordTiming: false,
      workerData: { configs: [...configs].map(([k, e]) => [k, e.snapshot] as const), cancelled } satisfies WorkerData,
      resourceLimits: { maxOldGenerationSizeMb: o.maxMemoryMb },
    });
    // Workers run one job at a time and nothing between jobs, so a worker that dies outside a job (piscina's 'error'
    // event) died loading the start-up configurations (e.g. over its heap cap): never a crash here, and the pool is broken.
    created.on('error', (err: unknown) => markBroken(err));
    created.on('message', onStarted);
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
  const configBroken = (key: string, err: unknown): ApiError => {
    const entry = configs.get(key);
    const why = entry?.broken ?? workersCannotStart(o.maxMemoryMb, err);
    if (entry && !entry.broken) {
      entry.broken = why;
      o.onWarning?.(why.message);
    }
    return why;
  };
  // Jobs a worker has started, oldest first (one deadline for all, so the first is always the next to expire):
  // one timer for all of them instead of a timer per job.
  const running = new Map<number, RunningJob>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const armDeadline = (): void => {
    const first = running.values().next().value;
    if (timer || !first) return;
    timer = setTimeout(expire, Math.max(0, first.deadline - hostMs()));
    // Jobs keep the process alive (their workers are busy), not their deadline.
    timer.unref();
  };
  const expire = (): void => {
    timer = null;
    const now = hostMs();
    for (const [n, job] of running) {
      if (job.deadline > now) break;
      running.delete(n);
      // Finished in time, its answer not read yet: this thread was busy past the deadline (a timer runs before the
      // messages that arrived meanwhile), which is not the job's fault.
      if (Atomics.load(cancelled, job.slot) === JOB_FINISHED) continue;
      job.stop.abort();
    }
    armDeadline();
  };
  /** One hand-off to piscina: what the worker answered, or why it could not. */
  const handOff = async (key: string, job: PrepareJob, snapshot: ConfigEntry['snapshot'] | undefined, signal: GoneSignal | undefined): Promise<unknown> => {
    const p = started();
    const n = ++jobs;
    // Stops the job in piscina (terminating its worker) for one reason only: its deadline.
    const stop = new DeadlineSignal();
    const slot = n % CANCEL_SLOTS;
    Atomics.store(cancelled, slot, 0);
    let began = false;
    // The deadline starts when a worker takes the job (after it built the job's configuration): a job queued behind
    // others is not charged their time.
    waiting.set(n, () => {
      began = true;
      running.set(n, { slot, stop, deadline: hostMs() + o.maxPrepareMs });
      armDeadline();
    });
    // A client that leaves marks its job: skipped by the worker if not started yet, else finished and dropped. Its
    // request is released at once, not when a worker reaches the job: one busy or still starting worker (loading a
    // tokenizer takes seconds on a loaded machine) would otherwise hold every departed request in /load meanwhile.
    let leave: (skipped: typeof SKIPPED) => void = () => {};
    const left = new Promise<typeof SKIPPED>((resolve) => {
      leave = resolve;
    });
    const onGone = (): void => {
      if (began) return; // a running job finishes (or meets its deadline); prepare.ts drops its result
      Atomics.store(cancelled, slot, JOB_CANCELLED);
      leave(SKIPPED);
    };
    if (signal?.aborted) return SKIPPED;
    signal?.addEventListener('abort', onGone, { once: true });
    try {
      const task: PoolTask = { kind: job.kind, body: job.body, given: job.given, job: n, config: key, ...(snapshot ? { snapshot } : {}) };
      // Bytes whose buffer is theirs alone move to the worker instead of being copied (prepare.ts decides).
      const whole = job.transfer === true && typeof job.body !== 'string' && job.body.byteOffset === 0 && job.body.byteLength === job.body.buffer.byteLength;
      const answer = p.run(task, whole ? { signal: stop, transferList: [(job.body as Uint8Array).buffer as ArrayBuffer] } : { signal: stop });
      // The job's deadline bookkeeping lives as long as the task, not the request: a job released below may still
      // have been taken by a worker (its start message in flight), and its deadline must still stop it.
      answer
        .finally(() => {
          waiting.delete(n);
          running.delete(n);
        })
        // Whatever an abandoned task ends with later (its result, a deadline) has no one to go to.
        .catch(() => {});
      return await (signal ? Promise.race([answer, left]) : answer);
    } catch (err) {
      if (signal?.aborted) throw err;
      if (stop.aborted) throw budgetErrors.deadline(o.maxPrepareMs);
      // Out of memory before it told us it started this job: its worker died loading a configuration — this job's
      // (it came with the snapshot) or the start-up ones. A pool with no worker left had its replacement fail while
      // starting too: piscina starts no more.
      const loading = !began && outOfMemory(err);
      if (loading && snapshot) throw configBroken(key, err);
      if (loading || p.threads.length === 0) markBroken(err);
      if (broken) throw broken;
      if (outOfMemory(err)) throw budgetErrors.memory(o.maxMemoryMb);
      throw err;
    } finally {
      signal?.removeEventListener('abort', onGone);
    }
  };

  return {
    releasesClockHold: o.releasesClockHold,
    threads: () => pool?.threads.length ?? 0,
    workersStarted: () => workersStarted,
    warm: (ctx) => void configOf(ctx),
    start: () => void started(),
    async run(ctx, job, signal) {
      const key = configOf(ctx);
      if (broken) throw broken;
      const entry = configs.get(key) as ConfigEntry;
      if (entry.broken) throw entry.broken;
      // A job for a configuration its worker has not seen is sent once more, with the snapshot (prepare-configs.ts):
      // so its body is copied, not transferred (a transferred buffer is gone from this thread after the first send).
      const first = entry.startup || job.transfer !== true ? job : { ...job, transfer: false };
      const answer = await handOff(key, first, undefined, signal);
      if (needsConfig(answer)) return handOff(key, job, entry.snapshot, signal);
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

interface RunningJob {
  readonly slot: number;
  readonly stop: DeadlineSignal;
  /** hostMs() past which the job is stopped. */
  readonly deadline: number;
}

/**
 * The abort signal piscina is given for a job, in the smallest shape it accepts (`aborted`, `reason`, one 'abort'
 * listener): an AbortController per job, its EventTarget and piscina's listener on it showed in the engine
 * thread's profile, and only a deadline ever aborts.
 */
class DeadlineSignal {
  aborted = false;
  readonly reason = 'deadline';
  private listener: (() => void) | null = null;

  addEventListener(_type: 'abort', listener: () => void): void {
    this.listener = listener;
  }

  removeEventListener(): void {
    this.listener = null;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listener = this.listener;
    this.listener = null;
    listener?.();
  }
}

function outOfMemory(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}
