/**
 * @module Non-streaming chat throughput: llmsim (instant profile) against the node:http baseline, alternating rounds so
 * both see the same machine state, each after a warm-up. Reports req/s and the server's CPU time per request.
 */
import autocannon from 'autocannon';
import { llmsim, baseline, type Child } from './processes.ts';

export const CHAT = JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'Hello, how are you today?' }], max_tokens: 16, ignore_eos: true });

export interface ThroughputRun {
  readonly rps: number;
  readonly p99Ms: number;
  readonly cpuUsPerRequest: number;
}

/** Each request a new prompt: nothing repeats, so llmsim templates, tokenizes and plans every one. */
let sequence = 0;
const uniqueBody = (): string => JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: `Hello, how are you today? (${sequence++})` }], max_tokens: 16, ignore_eos: true });

async function load(child: Child, seconds: number, unique: boolean): Promise<ThroughputRun> {
  const opts = {
    url: `${child.url}/v1/chat/completions`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    connections: 100,
    ...(unique ? { requests: [{ setupRequest: (r: autocannon.Request): autocannon.Request => ({ ...r, body: uniqueBody() }) }] } : { body: CHAT }),
  };
  await autocannon({ ...opts, duration: 2 });
  const cpu = child.cpuSeconds();
  const r = await autocannon({ ...opts, duration: seconds });
  const used = child.cpuSeconds() - cpu;
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`non-streaming load: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return { rps: r.requests.average, p99Ms: r.latency.p99, cpuUsPerRequest: (used * 1e6) / r.requests.total };
}

/** `unique`: a different prompt every request (the repeated body is what most load-test scripts send). */
export async function nonStreamingRounds(rounds: number, seconds: number, unique = false): Promise<{ base: ThroughputRun; sim: ThroughputRun }[]> {
  const out: { base: ThroughputRun; sim: ThroughputRun }[] = [];
  for (let i = 0; i < rounds; i++) {
    const b = await baseline(9100, 20);
    const base = await load(b, seconds, unique);
    await b.stop();
    const s = await llmsim(9101, ['--profile', 'instant']);
    const sim = await load(s, seconds, unique);
    await s.stop();
    out.push({ base, sim });
  }
  return out;
}
