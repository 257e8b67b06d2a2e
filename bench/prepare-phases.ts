/**
 * @module What one unique chat request costs in each preparation phase, in-process on one thread (no HTTP, no pool):
 * the worker's whole job (`runJob`: parse, validate, template, encode, plan, wire encode), the encoder alone on the
 * rendered prompt, the template alone, and the hand-off (structured clone of the result both ways, as postMessage
 * does, and the engine thread's decode). Random-token prompts as `vllm bench serve --dataset-name random`; rounds
 * alternate so a noisy machine affects every phase alike. CPU time of this thread (process.cpuUsage is per process:
 * run it on an otherwise idle core; GC helper threads are included).
 *
 *   node --import tsx bench/prepare-phases.ts [prompts=300] [tokens=1000] [rounds=3]
 */
import { startSimulator } from '../src/cli/start.ts';
import { DEFAULT_SERVE_OPTIONS } from '../src/scenario/options.ts';
import { prepareConfigOf, prepareEnvOf } from '../src/serving/build.ts';
import { runJob } from '../src/pipeline/prepare.ts';
import { decodeResult, type WireResult } from '../src/pipeline/prepare-wire.ts';
import { PREPARE_TABLE } from '../src/dialects/prepare-jobs.ts';
import { CHAT_JOB } from '../src/dialects/openai/chat-prepare.ts';
import { randomPrompts } from './random-prompts.ts';

const count = Number(process.argv[2] ?? 300);
const tokens = Number(process.argv[3] ?? 1000);
const rounds = Number(process.argv[4] ?? 3);
const sim = await startSimulator({ ...DEFAULT_SERVE_OPTIONS, port: 0, speedup: Infinity, profile: 'instant', prepareWorkers: 0 });
const ctx = sim.ctx;
const env = prepareEnvOf(prepareConfigOf(ctx));
const tokenizer = env.models[0]!.tokenizer;
const body = (content: string): string => JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content }], max_tokens: 1 });

// Warm-up on other prompts (JIT, the one-time tables).
for (const p of randomPrompts(100, tokens, 99)) decodeResult(ctx, structuredClone(runJob(env, PREPARE_TABLE, CHAT_JOB, body(p))));

const cpuMs = (f: () => void): number => {
  const t = process.cpuUsage();
  f();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
};
const sums = new Map<string, number>();
const add = (k: string, ms: number): void => void sums.set(k, (sums.get(k) ?? 0) + ms);
for (let r = 0; r < rounds; r++) {
  // New texts every round: the word cache sees them for the first time, as a load test's would be.
  const prompts = randomPrompts(count, tokens, 1000 + r);
  const rendered = prompts.map((p) => tokenizer.renderChat([{ role: 'user', content: p }], { addGenerationPrompt: true }));
  const prompts2 = randomPrompts(count, tokens, 2000 + r);
  const bodies = prompts2.map(body);
  add(
    'encode (rendered text)',
    cpuMs(() => rendered.forEach((t) => tokenizer.encode(t))),
  );
  add(
    'template render',
    cpuMs(() => prompts.forEach((p) => tokenizer.renderChat([{ role: 'user', content: p }], { addGenerationPrompt: true }))),
  );
  let wires: WireResult[] = [];
  add(
    'worker job (runJob)',
    cpuMs(() => (wires = bodies.map((b) => runJob(env, PREPARE_TABLE, CHAT_JOB, b)))),
  );
  let clones: WireResult[] = [];
  add(
    'structured clone of task body',
    cpuMs(() => bodies.forEach((b) => structuredClone({ kind: CHAT_JOB, body: b }))),
  );
  add(
    'structured clone of result',
    cpuMs(() => (clones = wires.map((w) => structuredClone(w)))),
  );
  add(
    'decode on engine thread',
    cpuMs(() => clones.forEach((w) => decodeResult(ctx, w))),
  );
}
process.stdout.write(`unique ${tokens}-token chat prompts, ${count} x ${rounds} rounds, CPU ms per request:\n`);
for (const [k, v] of sums) process.stdout.write(`  ${k.padEnd(32)} ${(v / (count * rounds)).toFixed(3)}\n`);
await sim.close();
