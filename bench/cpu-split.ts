/**
 * @module Where a unique prompt's server CPU goes, per thread: a new random-token prompt every request (as
 * `vllm bench serve --dataset-name random`), non-streamed chat, max_tokens 1, instant profile, 16 in flight; CPU read
 * per thread from /proc/<pid>/task/<tid>/stat before and after, so the engine's thread, the preparation workers
 * and V8's helper threads (GC) are told apart. Extra server flags after `--` (e.g. `-- --cpu-prof
 * --cpu-prof-dir=/tmp/prof` goes before the script: use NODE_ARGS).
 *
 *   node --import tsx bench/cpu-split.ts [requests=300] [tokens=1000] [workers=1] [port=9560]
 *   LARGE_MB=10 node --import tsx bench/cpu-split.ts 40 0 1   # 10 MB prompts instead (a 400 each: cannot fit)
 *   NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' node --import tsx bench/cpu-split.ts 300 1000 1
 */
import http from 'node:http';
import { appendFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { randomPrompts } from './random-prompts.ts';
import { threadTicks } from './thread-cpu.ts';

const count = Number(process.argv[2] ?? 300);
const tokens = Number(process.argv[3] ?? 1000);
const workers = Number(process.argv[4] ?? 1);
const port = Number(process.argv[5] ?? 9560);
const seed = Number(process.env['SEED'] ?? 7);
// LARGE_MB: prompts of that many megabytes (refused by the cannot-fit check: what it costs to read and hand over).
const largeMb = Number(process.env['LARGE_MB'] ?? 0);
const large = (n: number, offset: number): string[] => Array.from({ length: n }, (_, i) => `${i + offset} ${'x '.repeat(largeMb * 512 * 1024)}`);
const prompts = largeMb > 0 ? large(count, 0) : randomPrompts(count, tokens, seed);
const expected = largeMb > 0 ? 400 : 200;
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function post(body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      `http://127.0.0.1:${port}/v1/chat/completions`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

// SERVER_LOG: the server's output goes on to this file (e.g. NODE_ARGS='--trace-deopt').
const serverLog = process.env['SERVER_LOG'];
const nodeArgs = (process.env['NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const proc = spawn(
  'node',
  [...nodeArgs, 'bin/llmsim.js', 'serve', '--port', String(port), '--profile', 'instant', '--prepare-workers', String(workers), '--disable-log-requests'],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
await new Promise<void>((resolve, reject) => {
  let out = '';
  const on = (d: Buffer): void => {
    if (serverLog) appendFileSync(serverLog, d);
    out += d.toString();
    if (/serving .* on http/.test(out)) resolve();
  };
  proc.stdout.on('data', on);
  proc.stderr.on('data', on);
  proc.once('exit', (c) => reject(new Error(`server exited ${c}: ${out}`)));
});
const pid = proc.pid as number;
const body = (content: string): string => JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content }], max_tokens: 1 });
// Warm: workers load their tokenizer, the JIT settles (prompts of another seed).
// WARM=N: N warm-up requests (default 20): V8 keeps optimising functions that run once per request for thousands of
// requests, on its compiler threads (the 'other threads' row), so short runs count some JIT warm-up as CPU per request.
const warmCount = Number(process.env['WARM'] ?? Math.max(20, workers * 10));
const warm = largeMb > 0 ? large(8, count) : randomPrompts(warmCount, tokens, seed + 1000);
for (let i = 0; i < warm.length; i += 8) await Promise.all(warm.slice(i, i + 8).map((p) => post(body(p))));
const before = threadTicks(pid);
// A profiler attached from outside (perf record -p) can wait for this file to skip start-up and warm-up.
if (process.env['READY_FILE']) writeFileSync(process.env['READY_FILE'], String(pid));
if (serverLog) appendFileSync(serverLog, '=== measured requests from here\n');
const started = performance.now();
let next = 0;
let errors = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (let i = next++; i < count; i = next++) if ((await post(body(prompts[i]!))) !== expected) errors++;
  }),
);
const seconds = (performance.now() - started) / 1000;
const after = threadTicks(pid);
if (process.env['READY_FILE']) writeFileSync(`${process.env['READY_FILE']}.done`, String(pid));
const deltas = [...after].map(([tid, t]) => [tid, t - (before.get(tid) ?? 0)] as const);
const main = deltas.find(([tid]) => tid === pid)?.[1] ?? 0;
// The preparation workers are the busiest other threads; the rest are V8's helpers (parallel GC, compiler) and libuv.
const others = deltas.filter(([tid]) => tid !== pid).sort((a, b) => b[1] - a[1]);
const prep = others.slice(0, workers).reduce((n, [, d]) => n + d, 0);
const helpers = others.slice(workers).reduce((n, [, d]) => n + d, 0);
const rows: [string, number][] = [
  ['engine thread', main],
  ...(workers > 0 ? [['preparation workers', prep] as [string, number]] : []),
  ['other threads (GC)', helpers],
];
const total = rows.reduce((n, [, d]) => n + d, 0);
process.stdout.write(
  `${count} unique ${largeMb > 0 ? `${largeMb} MB` : `${tokens}-token`} prompts, --prepare-workers ${workers}: ${(count / seconds).toFixed(0)} req/s, ${errors} errors, server CPU ${((total * 10) / count).toFixed(2)} ms/request\n`,
);
for (const [name, d] of rows) process.stdout.write(`  ${name.padEnd(20)} ${((d * 10) / count).toFixed(2)} ms/request\n`);
agent.destroy();
proc.kill('SIGINT');
await new Promise((r) => proc.once('exit', r));
