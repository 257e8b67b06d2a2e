/**
 * @module Server CPU per unique prompt for several servers measured in the same window: each spec is a source tree
 * and a `--prepare-workers` count; every server gets the same new random-token prompts (non-streamed chat,
 * max_tokens 1, instant profile), requests to all servers interleaved by one client, CPU read per thread from /proc
 * before and after. On a shared, noisy machine two runs minutes apart differ by more than the changes being
 * measured (±25 % here); servers measured side by side see the same noise, so their difference is what to read.
 * A long warm-up (WARM, default 2,000 requests per server) lets V8 finish optimising the functions that run once
 * per request, which otherwise shows as compiler-thread CPU in short runs.
 *
 *   node --import tsx bench/cpu-ab.ts [requests=1000] [tokens=1000] SPEC...    SPEC = TREE:WORKERS[:ENV=VALUE,...], e.g.
 *   node --import tsx bench/cpu-ab.ts 1000 1000 /work/main:1 .:1 .:0
 *   ROUNDS=5 node --import tsx bench/cpu-ab.ts 1000 1000 /work/main:1 .:1   # five measured rounds, and medians
 */
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { randomPrompts } from './random-prompts.ts';
import { threadTicks } from './thread-cpu.ts';

const count = Number(process.argv[2] ?? 1000);
const tokens = Number(process.argv[3] ?? 1000);
// TREE:WORKERS, or TREE:WORKERS:NAME=VALUE,NAME=VALUE for extra environment variables of that server.
const specs = process.argv.slice(4).map((s) => {
  const [tree = '.', workers = '1', env = ''] = s.split(':');
  const vars = Object.fromEntries(
    env
      .split(',')
      .filter(Boolean)
      .map((kv) => kv.split('=') as [string, string]),
  );
  return { tree: resolve(tree), workers: Number(workers), env: vars, label: s };
});
if (specs.length === 0) throw new Error('usage: cpu-ab.ts REQUESTS TOKENS TREE:WORKERS...');
const warmCount = Number(process.env['WARM'] ?? 2000);
const perServer = Number(process.env['INFLIGHT'] ?? 8);
const basePort = Number(process.env['PORT'] ?? 9580);

interface Server {
  readonly spec: (typeof specs)[number];
  readonly port: number;
  readonly proc: ChildProcess;
  readonly agent: http.Agent;
}

function post(s: Server, content: string): Promise<number> {
  const body = JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content }], max_tokens: 1 });
  return new Promise((done) => {
    const req = http.request(
      `http://127.0.0.1:${s.port}/v1/chat/completions`,
      { method: 'POST', agent: s.agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', () => done(-1));
    req.end(body);
  });
}

async function start(spec: (typeof specs)[number], port: number): Promise<Server> {
  const args = [
    ...(process.env['NODE_ARGS'] ?? '').split(' ').filter(Boolean),
    'bin/llmsim.js',
    'serve',
    '--port',
    String(port),
    '--profile',
    'instant',
    '--prepare-workers',
    String(spec.workers),
    '--disable-log-requests',
  ];
  const proc = spawn('node', args, { cwd: spec.tree, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ok, fail) => {
    let out = '';
    const on = (d: Buffer): void => {
      out += d.toString();
      if (/serving .* on http/.test(out)) ok();
    };
    proc.stdout?.on('data', on);
    proc.stderr?.on('data', on);
    proc.once('exit', (c) => fail(new Error(`server exited ${c}: ${out}`)));
  });
  return { spec, port, proc, agent: new http.Agent({ keepAlive: true, maxSockets: perServer }) };
}

/** Sends `prompts` to every server, `perServer` in flight each, interleaved; counts answers that are not 200. */
async function drive(servers: readonly Server[], prompts: readonly string[]): Promise<number[]> {
  const errors = servers.map(() => 0);
  await Promise.all(
    servers.map(async (s, k) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: perServer }, async () => {
          for (let i = next++; i < prompts.length; i = next++) if ((await post(s, prompts[i] as string)) !== 200) errors[k]!++;
        }),
      );
    }),
  );
  return errors;
}

const servers: Server[] = [];
for (const [i, spec] of specs.entries()) servers.push(await start(spec, basePort + i));
// The measured prompts are made first: making them after the warm-up idles the servers' keep-alive sockets past
// their timeout on a loaded machine (the first request on each failed).
const rounds = Number(process.env['ROUNDS'] ?? 1);
const prompts = Array.from({ length: rounds }, (_, r) => randomPrompts(count, tokens, 7 + r));
await drive(servers, randomPrompts(warmCount, tokens, 1000 + tokens));
// READY_FILE: the servers' pids are written there after the warm-up, and to READY_FILE.done after the measured
// requests (for a profiler attached from outside, e.g. perf record -p).
const ready = process.env['READY_FILE'];
if (ready) writeFileSync(ready, servers.map((s) => s.proc.pid).join(','));
// ROUNDS=N: N measured rounds of `count` new prompts each, one table row per server and round, then each server's
// median and mean engine-thread CPU and how many rounds it was below the first server's (the noise between rounds
// shows how far one round can be trusted).
const engineMs: number[][] = servers.map(() => []);
for (let round = 0; round < rounds; round++) {
  const before = servers.map((s) => threadTicks(s.proc.pid as number));
  const errors = await drive(servers, prompts[round] as string[]);
  const after = servers.map((s) => threadTicks(s.proc.pid as number));
  if (round === 0) {
    process.stdout.write(`${count} unique ${tokens}-token prompts per server, ${perServer} in flight each, warm-up ${warmCount}; CPU ms per request:\n`);
    process.stdout.write(`${'server'.padEnd(40)} ${'all'.padStart(6)} ${'engine'.padStart(7)} ${'workers'.padStart(8)} ${'other'.padStart(6)} errors\n`);
  }
  for (const [k, s] of servers.entries()) {
    const pid = s.proc.pid as number;
    const deltas = [...after[k]!].map(([tid, t]) => [tid, t - (before[k]!.get(tid) ?? 0)] as const);
    const main = deltas.find(([tid]) => tid === pid)?.[1] ?? 0;
    const others = deltas.filter(([tid]) => tid !== pid).sort((a, b) => b[1] - a[1]);
    const prep = others.slice(0, s.spec.workers).reduce((n, [, d]) => n + d, 0);
    const helpers = others.slice(s.spec.workers).reduce((n, [, d]) => n + d, 0);
    const ms = (ticks: number): string => ((ticks * 10) / count).toFixed(rounds > 1 ? 3 : 2);
    engineMs[k]!.push((main * 10) / count);
    process.stdout.write(
      `${s.spec.label.padEnd(40)} ${ms(main + prep + helpers).padStart(6)} ${ms(main).padStart(7)} ${(s.spec.workers > 0 ? ms(prep) : '-').padStart(8)} ${ms(helpers).padStart(6)} ${errors[k]}\n`,
    );
  }
}
if (ready) writeFileSync(`${ready}.done`, '');
if (rounds > 1)
  for (const [k, s] of servers.entries()) {
    const sorted = [...(engineMs[k] as number[])].sort((a, b) => a - b);
    const median = ((sorted[Math.floor((rounds - 1) / 2)] as number) + (sorted[Math.floor(rounds / 2)] as number)) / 2;
    const mean = sorted.reduce((a, b) => a + b, 0) / rounds;
    // Against the first server, round by round (each round's servers saw the same noise).
    const lower = (engineMs[k] as number[]).filter((v, r) => v < (engineMs[0]?.[r] as number)).length;
    process.stdout.write(
      `engine ms/request over ${rounds} rounds, ${s.spec.label}: median ${median.toFixed(3)}, mean ${mean.toFixed(3)}${k > 0 ? `, below the first server in ${lower} of ${rounds} rounds` : ''}\n`,
    );
  }
for (const s of servers) {
  s.agent.destroy();
  s.proc.kill('SIGINT');
}
await Promise.all(servers.map((s) => new Promise((r) => (s.proc.exitCode !== null ? r(null) : s.proc.once('exit', r)))));
