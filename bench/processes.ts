/** @module Starts benchmark servers pinned to one core (taskset) with a high file-descriptor limit, and reads their RSS. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';

export interface Child {
  readonly pid: number;
  readonly url: string;
  rssBytes(): number;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const hasTaskset = existsSync('/usr/bin/taskset');

/** Runs `node <args>` on `core` and waits for `ready` to appear on its output. */
export function startPinned(args: string[], port: number, core: number, ready: RegExp): Promise<Child> {
  const pin = hasTaskset ? `taskset -c ${core} ` : '';
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const proc: ChildProcess = spawn('bash', ['-c', `ulimit -n $(ulimit -Hn) 2>/dev/null; exec ${pin}node ${quoted}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (ready.test(output)) {
        proc.stdout?.off('data', onData);
        proc.stderr?.off('data', onData);
        resolve({
          pid: proc.pid as number,
          url: `http://127.0.0.1:${port}`,
          rssBytes: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
          cpuSeconds: () => cpuSecondsOf(proc.pid as number),
          stop: () =>
            new Promise((done) => {
              proc.once('exit', () => done());
              proc.kill('SIGTERM');
            }),
        });
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`server exited (${code}) before it was ready:\n${output}`)));
  });
}

/** utime + stime from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux). */
function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function llmsim(port: number, extra: string[]): Promise<Child> {
  const child = await startPinned(['bin/llmsim.js', 'serve', '--port', String(port), ...extra], port, 0, /serving .* on http/);
  await firstAnswer(child);
  return child;
}

/**
 * Waits for a first chat answer, giving up on an attempt after 5 s: on this loaded VM a preparation worker can take
 * over 2 s to load its tokenizer, and a request sent then was seen to get no answer at all (its worker replaced at the
 * --max-prepare-ms deadline; reported upstream), which would hang a measurement. A later request is answered.
 */
async function firstAnswer(child: Child): Promise<void> {
  const body = JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'warm up' }], max_tokens: 1 });
  for (let attempt = 1; attempt <= 8; attempt++) {
    const ok = await fetch(`${child.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5000),
    }).then(
      async (r) => (await r.arrayBuffer(), r.ok),
      () => false,
    );
    if (ok) return;
    process.stderr.write(`bench: llmsim's first chat request got no answer in 5 s (attempt ${attempt}); trying again\n`);
  }
  await child.stop();
  throw new Error('llmsim answered no chat request in 8 attempts of 5 s');
}

export function baseline(port: number, itlMs: number): Promise<Child> {
  return startPinned(['--import', 'tsx', 'bench/baseline-server.ts', String(port), String(itlMs)], port, 0, /baseline listening/);
}

export const pinned = hasTaskset;
