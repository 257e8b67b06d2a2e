/**
 * @module A preparation worker (pipeline/prepare-pool.ts): builds the served configuration from the snapshot the pool
 * was started with (tokenizers load here, once per worker), then runs jobs. Pure: the same job gives the same bytes
 * on any worker or on the engine's thread.
 */
import { Piscina } from 'piscina';
import { parentPort } from 'node:worker_threads';
import { prepareEnvOf, type PrepareConfig } from '../serving/build.ts';
import { runJob } from '../pipeline/prepare.ts';
import type { PoolTask, StartedMessage } from '../pipeline/prepare-pool.ts';
import type { WireResult } from '../pipeline/prepare-wire.ts';
import { PREPARE_TABLE } from './prepare-jobs.ts';

const env = prepareEnvOf(Piscina.workerData as PrepareConfig);

export default function prepareTask(task: PoolTask): WireResult {
  // Tells the pool its deadline starts now.
  parentPort?.postMessage({ llmsimStarted: task.job } satisfies StartedMessage);
  return runJob(env, PREPARE_TABLE, task.kind, task.body, task.given);
}
