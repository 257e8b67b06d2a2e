/**
 * Soak: mixed traffic with faults and client disconnects for a long run (default 10 minutes), sampling memory, scheduler
 * lag and queue depth each minute; at the end, checks that nothing leaked (running + waiting back to 0) and that the
 * engine's counters reconcile with what the clients saw.
 *
 *   bash -c 'ulimit -n $(ulimit -Hn); taskset -c 1 node --import tsx bench/soak.ts [minutes]'
 */
import { request, Agent } from 'node:http';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { llmsim } from './processes.ts';
import { scrapeLag, lagQuantile } from './lag.ts';

const minutes = Number(process.argv[2] ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'llmsim-soak-'));
const scenario = join(dir, 'soak.yaml');
writeFileSync(
  scenario,
  `seed: 11
models: [{model: Qwen/Qwen3-8B, profile: qwen3-8b-h100}]
faults:
  - {kind: http_error, status: 503, rate: 0.02, match: {path: /v1/chat/completions}}
  - {kind: truncate, after_tokens: 8, rate: 0.01, match: {path: /v1/chat/completions}}
  - {kind: drop, after_tokens: 4, rate: 0.01, match: {path: /v1/chat/completions}}
`,
);

// A seeded LCG, so the traffic mix replays.
let x = 12345;
const rand = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

const counts = { ok: 0, http503: 0, otherStatus: 0, truncated: 0, dropped: 0, disconnected: 0 };
const sim = await llmsim(9150, ['--scenario', scenario, '--speedup', '4']);
const agent = new Agent({ keepAlive: true, maxSockets: 128 });
const deadline = Date.now() + minutes * 60_000;

function one(): Promise<void> {
  return new Promise((resolve) => {
    const r = rand();
    const stream = r < 0.6;
    const disconnect = r >= 0.9;
    const path = r < 0.8 || disconnect ? '/v1/chat/completions' : '/v1/completions';
    const body =
      path === '/v1/completions'
        ? { prompt: `soak ${Math.floor(rand() * 1e6)}`, max_tokens: 32 }
        : {
            messages: [{ role: 'user', content: `soak ${Math.floor(rand() * 1e6)}` }],
            max_tokens: 16 + Math.floor(rand() * 112),
            stream: stream || disconnect,
          };
    let done = false;
    let left = false;
    const finish = (outcome: keyof typeof counts): void => {
      if (done) return;
      done = true;
      counts[outcome]++;
      resolve();
    };
    const req = request(`${sim.url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
        // Leave mid-answer (only if the answer is not already complete).
        if (disconnect && !left && text.includes('data: {') && !text.includes('[DONE]')) {
          left = true;
          req.destroy();
          finish('disconnected');
        }
      });
      res.on('end', () => {
        if (res.statusCode === 503) finish('http503');
        else if (res.statusCode !== 200) finish('otherStatus');
        else if ((stream || disconnect) && path === '/v1/chat/completions' && !text.endsWith('data: [DONE]\n\n')) finish('truncated');
        else finish('ok');
      });
      res.on('error', () => finish(left ? 'disconnected' : 'dropped'));
      res.on('close', () => finish(left ? 'disconnected' : text.endsWith('data: [DONE]\n\n') || !(stream || disconnect) ? 'ok' : 'dropped'));
    });
    req.on('error', () => finish(left ? 'disconnected' : 'dropped'));
    req.end(JSON.stringify(body));
  });
}

async function worker(): Promise<void> {
  while (Date.now() < deadline) await one();
}

const samples: string[][] = [];
let lagBefore = await scrapeLag(sim.url);
const sampler = setInterval(async () => {
  const text = await (await fetch(`${sim.url}/metrics`)).text();
  const gauge = (name: string): string =>
    /^(\S+)\{[^}]*\} (\S+)$/m.exec(
      text
        .split('\n')
        .filter((l) => l.startsWith(name))
        .join('\n'),
    )?.[2] ?? '?';
  const lag = await scrapeLag(sim.url);
  samples.push([
    String(samples.length + 1),
    (sim.rssBytes() / 2 ** 20).toFixed(0),
    (lagQuantile(lagBefore.scheduler, lag.scheduler, 0.99) * 1000).toString(),
    gauge('vllm:num_requests_running'),
    gauge('vllm:num_requests_waiting'),
  ]);
  lagBefore = lag;
}, 60_000);

await Promise.all(Array.from({ length: 48 }, worker));
clearInterval(sampler);
const final = await (await fetch(`${sim.url}/metrics`)).text();
const metric = (re: RegExp): number => Number(re.exec(final)?.[1] ?? NaN);
const running = metric(/^vllm:num_requests_running\{[^}]*\} (\S+)$/m);
const waiting = metric(/^vllm:num_requests_waiting\{[^}]*\} (\S+)$/m);
const success =
  metric(/^vllm:request_success_total\{[^}]*finished_reason="stop"[^}]*\} (\S+)$/m) +
  metric(/^vllm:request_success_total\{[^}]*finished_reason="length"[^}]*\} (\S+)$/m);
const aborted = metric(/^vllm:request_success_total\{[^}]*finished_reason="abort"[^}]*\} (\S+)$/m);
const injected = metric(/^llmsim:faults_injected_total\{kind="http_error"\} (\S+)$/m);
await sim.stop();

process.stdout.write(
  `\nSoak: ${minutes} min, 48 closed-loop clients, qwen3-8b-h100 at --speedup 4, faults (503 2 %, truncate 1 %, drop 1 %), 10 % client disconnects\n`,
);
process.stdout.write(
  `| minute | RSS MB | scheduler lag p99 ms (bucket) | running | waiting |\n| --- | --- | --- | --- | --- |\n${samples.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`,
);
process.stdout.write(`\n| check | value |\n| --- | --- |\n`);
process.stdout.write(`| client outcomes | ${JSON.stringify(counts)} |\n`);
process.stdout.write(`| running + waiting at the end | ${running + waiting} |\n`);
const reached = counts.ok + counts.truncated + counts.dropped + counts.disconnected + counts.otherStatus;
process.stdout.write(
  `| requests that reached the engine: engine (completed + aborted) vs clients (all but injected 503s) | ${success + aborted} vs ${reached} |\n`,
);
process.stdout.write(
  `| engine completions vs answers clients received whole | ${success} vs ${counts.ok} (the rest finished in the engine before the client left or a fault cut the HTTP stream) |\n`,
);
process.stdout.write(`| injected http_error faults vs 503s seen | ${injected} vs ${counts.http503} |\n`);
