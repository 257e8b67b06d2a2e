/**
 * @module A preparation worker (pipeline/prepare-pool.ts): builds the served configurations from the snapshots the pool
 * was started with (tokenizers load here, once per worker), then runs jobs, each for its configuration's key
 * (pipeline/prepare-configs.ts; a later configuration comes with its job). Pure: the same job gives the same bytes on
 * any worker or on the engine's thread.
 */
import { move, Piscina, transferableSymbol, valueSymbol } from 'piscina';
import { prepareEnvOf } from '../serving/build.ts';
import type { PrepareEnv } from '../serving/context.ts';
import { runJob } from '../pipeline/prepare.ts';
import { NEEDS_CONFIG, PrepareEnvironments } from '../pipeline/prepare-configs.ts';
import type { PoolTask, WorkerData } from '../pipeline/prepare-pool.ts';
import { cancelled, claim, finished, SKIPPED } from '../pipeline/prepare-slots.ts';
import { transferables, type WireResult } from '../pipeline/prepare-wire.ts';
import { PREPARE_TABLE } from './prepare-jobs.ts';
import { CHAT_JOB } from './openai/chat-prepare.ts';
import { COMPLETION_JOB } from './openai/completion-prepare.ts';

const data = Piscina.workerData as WorkerData;
const envs = new PrepareEnvironments(data.configs, prepareEnvOf);
for (const key of envs.startupKeys()) warmUp(envs.get(key) as PrepareEnv);

export default function prepareTask(task: PoolTask): WireResult | typeof SKIPPED | typeof NEEDS_CONFIG {
  // Its client left while it waited: nothing to prepare (prepare-pool.ts says why it is not aborted in piscina).
  if (cancelled(data.slots, task.job)) return SKIPPED;
  // Built (tokenizers loaded, warmed) before the deadline starts: not the request's cost.
  const known = envs.get(task.config);
  const env = known ?? (task.snapshot ? warmUp(envs.get(task.config, task.snapshot) as PrepareEnv) : null);
  if (!env) return NEEDS_CONFIG;
  // Its deadline starts now, unless its client left meanwhile (prepare-slots.ts).
  if (!claim(data.slots, task.job)) return SKIPPED;
  try {
    const result = runJob(env, PREPARE_TABLE, task.kind, task.body, task.given);
    const buffers = transferables(result);
    // The prompt ids' buffers move to the engine's thread instead of being copied (prepare-wire.ts); piscina posts
    // the wrapped value, so the pool receives the WireResult itself.
    return buffers.length === 0 ? result : (move({ [transferableSymbol]: buffers, [valueSymbol]: result }) as unknown as WireResult);
  } finally {
    // Before the answer is posted: a deadline that fires while it is on its way does not stop a finished job.
    finished(data.slots, task.job);
  }
}

/**
 * Runs one small chat and completion job per served model before taking work: a worker's first job otherwise pays
 * the JIT and every lazily built piece (request schemas, the compiled chat template, encoder caches), which on a
 * loaded machine stretched a trivial request past `--max-prepare-ms` (a 400 for `n: 0`'s validation error). Errors are
 * expected (a model without a chat template) and ignored: only the warming counts.
 */
function warmUp(env: PrepareEnv): PrepareEnv {
  for (const model of env.models) {
    const messages = [{ role: 'user', content: 'Warm up: 1, 2, 3.' }];
    for (const [kind, body] of [
      [CHAT_JOB, { model: model.name, messages, max_tokens: 4 }],
      [COMPLETION_JOB, { model: model.name, prompt: 'Warm up: 1, 2, 3.', max_tokens: 4 }],
    ] as const) {
      try {
        runJob(env, PREPARE_TABLE, kind, JSON.stringify(body));
      } catch {
        /* only the warming matters */
      }
    }
  }
  return env;
}
