/**
 * @module A preparation worker (pipeline/prepare-pool.ts): builds the served configuration from the snapshot the pool
 * was started with (tokenizers load here, once per worker), then runs jobs. Pure: the same job gives the same bytes
 * on any worker or on the engine's thread.
 */
import { Piscina } from 'piscina';
import { parentPort } from 'node:worker_threads';
import { prepareEnvOf } from '../serving/build.ts';
import { runJob } from '../pipeline/prepare.ts';
import { CANCEL_SLOTS, SKIPPED, type PoolTask, type StartedMessage, type WorkerData } from '../pipeline/prepare-pool.ts';
import type { WireResult } from '../pipeline/prepare-wire.ts';
import { PREPARE_TABLE } from './prepare-jobs.ts';

const data = Piscina.workerData as WorkerData;
const env = prepareEnvOf(data.config);

export default function prepareTask(task: PoolTask): WireResult | typeof SKIPPED {
  // Its client left while it waited: nothing to prepare (prepare-pool.ts says why it is not aborted in piscina).
  if (Atomics.load(data.cancelled, task.job % CANCEL_SLOTS) === 1) return SKIPPED;
  // Tells the pool its deadline starts now.
  parentPort?.postMessage({ llmsimStarted: task.job } satisfies StartedMessage);
  return runJob(env, PREPARE_TABLE, task.kind, task.body, task.given);
}
