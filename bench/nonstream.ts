/**
 * @module Non-streamed chat (16 output tokens, `ignore_eos`): llmsim (instant profile, `--prepare-workers 1`) next to
 * the node:http baseline, one process of each up for the whole family, every variant measured on the baseline and then
 * on llmsim after its own warm-up. Steady load by autocannon (the cheapest load generator at ~40k req/s); light load
 * and bursts by bench/http-load.ts. Figures: req/s, latency p50/p99, server CPU per request (/proc of the server).
 */
import autocannon from 'autocannon';
import { llmsim, baseline, type Child } from './processes.ts';
import { bodyCycle, type BodyCycle } from './http-load.ts';
import { sideBySide, withCpu, burstSide, lightSide, type PromptSets, type Side, type VariantResult } from './variants.ts';

export const chatBody = (content: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content }], max_tokens: 16, ignore_eos: true, ...extra });
export const CHAT = chatBody('Hello, how are you today?');

/**
 * `seconds` (after a warm-up of `warmSeconds`) or `amount` requests (after a tenth as many); null bodies: CHAT. A 'once'
 * cycle (llmsim on unique prompts) runs instead until its prompts are used up (an eighth of them to warm up).
 */
export interface SteadyLoad {
  readonly connections: number;
  readonly bodies: BodyCycle | null;
  readonly seconds?: number;
  readonly warmSeconds?: number;
  readonly amount?: number;
}

type Length = { amount: number } | { duration: number };

/** autocannon against `child`'s chat route: a warm-up, then the measured run (server CPU read around it only). */
export async function autocannonLoad(child: Child, o: SteadyLoad): Promise<Side> {
  const cycle = o.bodies;
  let repeated = false;
  let first: string | null = null;
  // autocannon may build a request or two more than it sends: past the end of a 'once' cycle, repeat its first body.
  const next = (c: BodyCycle): string => {
    const body = c.next();
    if (body !== null) return ((first ??= body), body);
    repeated = true;
    return first ?? CHAT;
  };
  const opts = {
    url: `${child.url}/v1/chat/completions`,
    method: 'POST' as const,
    headers: { 'content-type': 'application/json' },
    connections: o.connections,
    ...(cycle ? { requests: [{ setupRequest: (r: autocannon.Request): autocannon.Request => ({ ...r, body: next(cycle) }) }] } : { body: CHAT }),
  };
  const once = cycle?.mode === 'once';
  const size = cycle?.size ?? 0;
  const warm: Length = once
    ? { amount: Math.max(o.connections, Math.floor(size / 8)) }
    : o.amount
      ? { amount: Math.max(50, Math.floor(o.amount / 10)) }
      : { duration: o.warmSeconds ?? 2 };
  await autocannon({ ...opts, ...warm });
  const run: Length = once
    ? { amount: Math.max(o.connections, size - (cycle?.sent ?? 0) - o.connections) }
    : o.amount
      ? { amount: o.amount }
      : { duration: o.seconds ?? 5 };
  const [r, cpu] = await withCpu(child, () => autocannon({ ...opts, ...run }));
  const total = r.requests.total;
  return { rate: total / (r.duration || 1), p50Ms: r.latency.p50, p99Ms: r.latency.p99, cpuUs: (cpu * 1e6) / total, errors: r.non2xx + r.errors, repeated };
}

export const BURST = { size: 200, periodMs: 2500 };

/** Every variant; the repeated body `rounds` times (its median ratio is issue 3's ≥ 60 % target). */
export async function nonStreamVariants(prompts: PromptSets, rounds: number, seconds: number): Promise<VariantResult[]> {
  const b = await baseline(9120, 20);
  const s = await llmsim(9121, ['--profile', 'instant', '--prepare-workers', '1']);
  const out: VariantResult[] = [];
  const steady = (list: readonly string[] | null, connections: number) => (c: Child, once: boolean) =>
    autocannonLoad(c, {
      connections,
      bodies: list
        ? bodyCycle(
            list.map((p) => chatBody(p)),
            once ? 'once' : 'wrap',
          )
        : null,
      seconds,
      warmSeconds: list ? 1 : 2,
    });
  for (let i = 0; i < rounds; i++)
    out.push(await sideBySide(`(a) repeated small body, 100 connections${rounds > 1 ? `, round ${i + 1}` : ''}`, b, s, steady(null, 100)));
  out.push(await sideBySide('(b) unique ~1k-token prompts, 16 connections', b, s, steady(prompts.steady1k, 16)));
  out.push(await sideBySide('(c) unique ~8k-token prompts, 16 connections', b, s, steady(prompts.steady8k, 16)));
  const n = rounds > 1 ? 6 : 3;
  out.push(
    await sideBySide(`(d) bursts: ${n} × ${BURST.size} simultaneous unique 1k prompts, one every ${BURST.periodMs / 1000} s`, b, s, (c, once) =>
      burstSide(c, once, prompts.burst1k, { ...BURST, bursts: n }, (p) => chatBody(p), false),
    ),
  );
  out.push(
    await sideBySide('(e) light load: 1 client, unique 1k prompts', b, s, (c, once) =>
      lightSide(c, once, prompts.light1, 1, seconds, (p) => chatBody(p), false),
    ),
  );
  out.push(
    await sideBySide('(e) light load: 10 clients, unique 1k prompts', b, s, (c, once) =>
      lightSide(c, once, prompts.light10, 10, seconds, (p) => chatBody(p), false),
    ),
  );
  await b.stop();
  await s.stop();
  return out;
}
