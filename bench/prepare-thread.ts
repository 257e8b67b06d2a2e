/**
 * @module Does the same preparation cost more CPU on a worker thread than on the main thread? Runs `runJob` on the
 * same fresh random-token chat bodies back to back, in rounds that alternate: on this thread, then in a worker
 * thread that runs the same loop itself (no per-job messages), with the pool's heap cap and without. CPU is
 * process-wide (the idle main thread waiting for the worker costs nothing), GC helper threads included.
 *
 * Both threads load the sources through the server's own loader (bin/ts-hooks.js: tsx's keepNames would make both
 * slower), so run it through that loader, not tsx:
 *
 *   node -e "require('node:module').register('./bin/ts-hooks.js', 'file://'+process.cwd()+'/'); import('./bench/prepare-thread.ts')" [prompts=300] [tokens=1000] [rounds=3]
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { startSimulator } from '../src/cli/start.ts';
import { DEFAULT_SERVE_OPTIONS } from '../src/scenario/options.ts';
import { prepareConfigOf, prepareEnvOf, type PrepareConfig } from '../src/serving/build.ts';
import { runJob } from '../src/pipeline/prepare.ts';
import { PREPARE_TABLE } from '../src/dialects/prepare-jobs.ts';
import { CHAT_JOB } from '../src/dialects/openai/chat-prepare.ts';
import { randomPrompts } from './random-prompts.ts';

const HOOKS = new URL('../bin/ts-hooks.js', import.meta.url).href;
const body = (content: string): string => JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content }], max_tokens: 1 });

function loop(config: PrepareConfig, count: number, tokens: number, seed: number): number {
  const env = prepareEnvOf(config);
  for (const p of randomPrompts(100, tokens, 99)) runJob(env, PREPARE_TABLE, CHAT_JOB, body(p));
  const bodies = randomPrompts(count, tokens, seed).map(body);
  const t = process.cpuUsage();
  for (const b of bodies) runJob(env, PREPARE_TABLE, CHAT_JOB, b);
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000 / count;
}

if (!isMainThread) {
  const { config, count, tokens, seed } = workerData as { config: PrepareConfig; count: number; tokens: number; seed: number };
  parentPort?.postMessage(loop(config, count, tokens, seed));
} else {
  const args = process.argv.slice(process.argv[1]?.endsWith('.ts') ? 2 : 1);
  const count = Number(args[0] ?? 300);
  const tokens = Number(args[1] ?? 1000);
  const rounds = Number(args[2] ?? 3);
  const sim = await startSimulator({ ...DEFAULT_SERVE_OPTIONS, port: 0, speedup: Infinity, profile: 'instant', prepareWorkers: 0 });
  const config = prepareConfigOf(sim.ctx);
  await sim.close();
  const inWorker = (limits: boolean, seed: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const w = new Worker(`require('node:module').register(${JSON.stringify(HOOKS)}); import(${JSON.stringify(import.meta.url)})`, {
        eval: true,
        workerData: { config, count, tokens, seed },
        ...(limits ? { resourceLimits: { maxOldGenerationSizeMb: 512 } } : {}),
      });
      w.once('message', (ms: number) => void w.terminate().then(() => resolve(ms)));
      w.once('error', reject);
    });
  for (let r = 0; r < rounds; r++) {
    const main = loop(config, count, tokens, 1000 + r);
    const capped = await inWorker(true, 1000 + r);
    const free = await inWorker(false, 1000 + r);
    process.stdout.write(`round ${r}: main thread ${main.toFixed(3)} ms/job, worker (heap cap) ${capped.toFixed(3)}, worker (no cap) ${free.toFixed(3)}\n`);
  }
}
