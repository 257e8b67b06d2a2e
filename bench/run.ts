/**
 * llmsim benchmarks, side by side with the bare node:http baseline (bench/baseline-server.ts), each server pinned to core 0
 * and this load generator to core 1. Prints one table per measurement; the results and this command live in
 * docs/PERFORMANCE.md:
 *
 *   npm run bench            (or: bash -c 'ulimit -n 65536; taskset -c 1 node --import tsx bench/run.ts')
 *   npm run bench -- quick   (shorter runs)
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { llmsim, baseline, pinned, type Child } from './processes.ts';
import { runStreamLoad } from './stream-load.ts';
import { scrapeLag, lagQuantile } from './lag.ts';

const quick = process.argv.includes('quick');
const SECONDS = quick ? 4 : 8;
const CHAT = JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'Hello, how are you today?' }], max_tokens: 16, ignore_eos: true });

async function nonStreaming(): Promise<void> {
  const run = async (child: Child): Promise<{ rps: number; p99: number }> => {
    const r = await autocannon({ url: `${child.url}/v1/chat/completions`, method: 'POST', headers: { 'content-type': 'application/json' }, body: CHAT, connections: 100, duration: SECONDS });
    return { rps: r.requests.average, p99: r.latency.p99 };
  };
  const base = await baseline(9100, 20);
  const b = await run(base);
  await base.stop();
  const sim = await llmsim(9101, ['--profile', 'instant']);
  const s = await run(sim);
  await sim.stop();
  table('Non-streaming chat (16 tokens, 100 connections)', ['server', 'req/s', 'p99 ms', '% of baseline'], [
    ['node:http baseline', b.rps.toFixed(0), String(b.p99), '100%'],
    ['llmsim (instant profile)', s.rps.toFixed(0), String(s.p99), `${((100 * s.rps) / b.rps).toFixed(0)}%`],
  ]);
}

async function streaming(): Promise<void> {
  const levels = quick ? [1000, 1500, 2000] : [500, 1000, 1500, 2000, 2500];
  const rows: string[][] = [];
  for (const concurrency of levels) {
    const base = await baseline(9102, 20);
    // Lag is measured over the steady window only (the baseline's /stats resets when read).
    const b = await runStreamLoad({ url: base.url, concurrency, seconds: SECONDS, maxTokens: 200, onWindowStart: () => void fetch(`${base.url}/stats`) });
    const stats = (await (await fetch(`${base.url}/stats`)).json()) as { lag_p99_ms: number };
    await base.stop();
    const sim = await llmsim(9103, ['--profile', 'bench-fixed-20ms']);
    let before = await scrapeLag(sim.url);
    const s = await runStreamLoad({ url: sim.url, concurrency, seconds: SECONDS, maxTokens: 200, onWindowStart: () => void scrapeLag(sim.url).then((b) => (before = b)) });
    const p99 = lagQuantile(before, await scrapeLag(sim.url), 0.99) * 1000;
    await sim.stop();
    rows.push([String(concurrency), String(concurrency * 50), (b.events / b.window).toFixed(0), stats.lag_p99_ms.toFixed(1), (s.events / s.window).toFixed(0), `≤ ${p99}`]);
  }
  table('Streaming at 50 tokens/s per stream (20 ms steps); lag = how late steps fire (p99, ms)', ['streams', 'offered ev/s', 'baseline ev/s', 'baseline lag p99', 'llmsim ev/s', 'llmsim lag p99 (bucket)'], rows);
}

async function openStreams(): Promise<void> {
  const count = quick ? 2000 : 8000;
  const sim = await llmsim(9104, ['--profile', 'bench-fixed-1s']);
  const idle = sim.rssBytes();
  let peak = 0;
  const load = runStreamLoad({ url: sim.url, concurrency: count, seconds: quick ? 10 : 20, maxTokens: 1000, rampSeconds: quick ? 4 : 8 });
  const timer = setInterval(() => (peak = Math.max(peak, sim.rssBytes())), 500);
  const r = await load;
  clearInterval(timer);
  await sim.stop();
  table(`${count} concurrent open streams (1 token/s each)`, ['idle RSS MB', 'peak RSS MB', 'KB per stream', 'errors'], [[(idle / 2 ** 20).toFixed(0), (peak / 2 ** 20).toFixed(0), ((peak - idle) / 1024 / count).toFixed(1), String(r.errors)]]);
}

async function fidelity(): Promise<void> {
  const trace = `/tmp/llmsim-bench-trace-${process.pid}.jsonl`;
  const sim = await llmsim(9105, ['--profile', 'llama-3.1-8b-instruct-h100', '--trace', trace]);
  const client = new Map<string, { ttft: number; itl: number }>();
  await runStreamLoad({
    url: sim.url,
    concurrency: 64,
    seconds: SECONDS,
    maxTokens: 64,
    onStreamDone: ({ requestId, sentAt, eventTimes }) => {
      if (eventTimes.length < 65) return; // role chunk + 64 tokens: only streams that ran to the end
      const content = eventTimes.slice(1);
      // performance.now() is in ms; the trace is in (simulated) seconds.
      client.set(`chatcmpl-${requestId}`, { ttft: ((eventTimes[0] as number) - sentAt) / 1000, itl: ((content[content.length - 1] as number) - (content[0] as number)) / (content.length - 1) / 1000 });
    },
  });
  await sim.stop();
  const dTtft: number[] = [];
  const dItl: number[] = [];
  for (const line of readFileSync(trace, 'utf8').trim().split('\n')) {
    const t = JSON.parse(line) as { request_id: string; arrival: number; first_token: number; finished: number; generated_tokens: number[] };
    const c = client.get(t.request_id);
    if (!c) continue;
    dTtft.push(Math.abs(c.ttft - (t.first_token - t.arrival)) * 1000);
    dItl.push(Math.abs(c.itl - (t.finished - t.first_token) / ((t.generated_tokens[0] as number) - 1)) * 1000);
  }
  const q = (xs: number[], p: number): string => ([...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))] ?? 0).toFixed(2);
  table('Real-time fidelity: client-observed vs planned (trace), Llama-3.1-8B H100 profile, 64 streams', ['requests', 'TTFT |diff| p50 ms', 'p99 ms', 'mean ITL |diff| p50 ms', 'p99 ms'], [[String(dTtft.length), q(dTtft, 0.5), q(dTtft, 0.99), q(dItl, 0.5), q(dItl, 0.99)]]);
}

function table(title: string, head: string[], rows: string[][]): void {
  process.stdout.write(`\n${title}\n| ${head.join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`);
}

process.stdout.write(`llmsim bench (${quick ? 'quick' : 'full'}); servers pinned to core 0: ${pinned ? 'yes' : 'no (taskset missing)'}; Node ${process.version}\n`);
const only = process.argv.find((a) => ['nonstream', 'stream', 'memory', 'fidelity'].includes(a));
if (!only || only === 'nonstream') await nonStreaming();
if (!only || only === 'stream') await streaming();
if (!only || only === 'memory') await openStreams();
if (!only || only === 'fidelity') await fidelity();
