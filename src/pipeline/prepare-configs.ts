/**
 * @module The configurations one preparation pool serves, as its workers see them. A fleet's replicas may differ (a
 * heterogeneous fleet: other models, GPUs, engine settings; a reload or a LoRA change makes a new configuration too),
 * yet they share one pool of `--prepare-workers` threads: N workers in all, not N per distinct configuration (a
 * 4-replica heterogeneous fleet on a 16-core box started 60 workers, each loading its own tokenizers).
 *
 * Each job names its configuration by number (the pool numbers them; a JSON key of ~600 characters per job was cloned
 * and hashed again on the worker). A worker builds the preparation environment for a key the first time it
 * sees it (tokenizers are cached per directory inside a worker, so configurations that differ only in timing or
 * engine settings share them) from the snapshots it was started with, or, for a configuration that appeared later
 * (a reload, a LoRA adapter, a replacement worker that only has the start-up snapshots), from the snapshot the job
 * carries: a job sent without one that meets an unknown key answers `NEEDS_CONFIG` and is sent again with it. That
 * costs one extra round trip once per worker and configuration, and nothing on the common path.
 */
import type { PrepareConfig } from '../serving/build.ts';
import type { PrepareEnv } from '../serving/context.ts';

/** What a worker answers for a job whose configuration it has not seen and that came without a snapshot. */
export const NEEDS_CONFIG = { needsConfig: true } as const;

/** Whether a worker's answer is `NEEDS_CONFIG` (it crossed a thread boundary: compared by shape). */
export function needsConfig(answer: unknown): boolean {
  return answer !== null && typeof answer === 'object' && (answer as { needsConfig?: unknown }).needsConfig === true;
}

/** Environments a worker keeps: a reload or LoRA change adds one; the oldest beyond this are dropped. */
const MAX_ENVIRONMENTS = 32;

/** A worker's environments by configuration key, built lazily. */
export class PrepareEnvironments {
  private readonly envs = new Map<number, PrepareEnv>();
  private readonly snapshots: Map<number, PrepareConfig>;

  constructor(
    startup: readonly (readonly [number, PrepareConfig])[],
    private readonly build: (config: PrepareConfig) => PrepareEnv,
  ) {
    this.snapshots = new Map(startup);
  }

  /** Keys of the start-up snapshots (a worker warms these before taking jobs). */
  startupKeys(): number[] {
    return [...this.snapshots.keys()];
  }

  /** The environment for `key`, built from the start-up snapshot or `given`; null when neither has it. */
  get(key: number, given?: PrepareConfig): PrepareEnv | null {
    const hit = this.envs.get(key);
    if (hit) return hit;
    const config = given ?? this.snapshots.get(key);
    if (!config) return null;
    const env = this.build(config);
    this.envs.set(key, env);
    if (this.envs.size > MAX_ENVIRONMENTS) {
      const oldest = this.envs.keys().next().value as number;
      // A start-up snapshot stays: its environment is rebuilt if needed (a job for it never carries one).
      this.envs.delete(oldest);
    }
    return env;
  }
}
