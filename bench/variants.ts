/**
 * @module What every benchmark row family (non-streamed chat, streamed chat) is measured with, side by side with the
 * node:http baseline in the same run: the workload variants (a repeated small body; new random-token prompts of ~1k
 * and ~8k tokens as `vllm bench serve --dataset-name random` sends them; bursts of simultaneous clients; light load),
 * the prompt sets they draw on, and the one table they print. The baseline gets the same bodies and ignores their
 * content: its numbers are the load generator's and HTTP's own cost.
 */
import { cachedRandomPrompts } from './random-prompts.ts';
import { Agent } from 'node:http';
import type { Child } from './processes.ts';
import { bodyCycle, bursts, closedLoop, type LoadStats } from './http-load.ts';

/** One server's figures for one variant. `rate`: req/s (or streamed tokens/s); `cpuUs`: per request (or per token). */
export interface Side {
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuUs: number;
  /** Requests answered with something other than 200, or failed. */
  readonly errors: number;
  /** Some unique-prompt bodies were sent twice (the run outlasted its prompt set): llmsim's prompt cache may have helped. */
  readonly repeated: boolean;
}

export interface VariantResult {
  readonly label: string;
  readonly base: Side;
  readonly sim: Side;
}

/** New prompts per variant; every variant gets its own, so llmsim's prompt cache never sees one twice across variants. */
export interface PromptSets {
  readonly steady1k: readonly string[];
  readonly steady8k: readonly string[];
  readonly burst1k: readonly string[];
  readonly light1: readonly string[];
  readonly light10: readonly string[];
}

/**
 * Sized for the quick or full windows at the rates llmsim reaches on this VM (~120 1k-token and ~35 8k-token requests/s
 * on one core), with room; the baseline, faster, cycles through the same set (it ignores the content).
 */
export function promptSets(quick: boolean): PromptSets {
  const scale = quick ? 1 : 2;
  const k1 = cachedRandomPrompts(3500 * scale, 1000, 12);
  let at = 0;
  const take = (n: number): string[] => k1.slice(at, (at += n * scale));
  return { steady1k: take(700), burst1k: take(800), light1: take(900), light10: take(900), steady8k: cachedRandomPrompts(300 * scale, 8000, 12) };
}

/** Server CPU seconds `run` cost, with what it returned. */
export async function withCpu<T>(child: Child, run: () => Promise<T>): Promise<[T, number]> {
  const before = child.cpuSeconds();
  const out = await run();
  return [out, child.cpuSeconds() - before];
}

/** One variant on the baseline, then on llmsim (both processes up for the whole family, the idle one costs nothing). */
export async function sideBySide(label: string, base: Child, sim: Child, measure: (c: Child, once: boolean) => Promise<Side>): Promise<VariantResult> {
  // The baseline ignores the content, so it may get a prompt twice (`once` false) and runs for its full window.
  return { label, base: { ...(await measure(base, false)), repeated: false }, sim: await measure(sim, true) };
}

/** A LoadStats run as a Side: req/s and CPU per request, or (streams) tokens/s and CPU per token. */
export function sideOf(s: LoadStats, cpu: number, size: number, perToken: boolean): Side {
  const units = perToken ? s.events : s.requests;
  return { rate: units / s.seconds, p50Ms: s.p50Ms, p99Ms: s.p99Ms, cpuUs: (cpu * 1e6) / units, errors: s.errors, repeated: s.sent > size };
}

/** Bursts of `size` simultaneous clients every `periodMs` (one warm-up burst first, on the same connections). */
export async function burstSide(
  child: Child,
  once: boolean,
  prompts: readonly string[],
  o: { bursts: number; size: number; periodMs: number },
  body: (p: string) => string,
  perToken: boolean,
): Promise<Side> {
  const bodies = bodyCycle(prompts.map(body), once ? 'once' : 'wrap');
  const agent = new Agent({ keepAlive: true, maxSockets: o.size });
  await bursts(child.url, agent, { ...o, bursts: 1 }, bodies);
  const [s, cpu] = await withCpu(child, () => bursts(child.url, agent, o, bodies));
  agent.destroy();
  return sideOf(s, cpu, prompts.length, perToken);
}

/** `clients` in a closed loop for `seconds` after one second of warm-up. */
export async function lightSide(
  child: Child,
  once: boolean,
  prompts: readonly string[],
  clients: number,
  seconds: number,
  body: (p: string) => string,
  perToken: boolean,
): Promise<Side> {
  const bodies = bodyCycle(prompts.map(body), once ? 'once' : 'wrap');
  await closedLoop(child.url, clients, 1, bodies);
  const [s, cpu] = await withCpu(child, () => closedLoop(child.url, clients, seconds, bodies));
  return sideOf(s, cpu, prompts.length, perToken);
}

const f = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
const mark = (s: Side): string => `${s.errors > 0 ? ` (${s.errors} errors)` : ''}${s.repeated ? ' †' : ''}`;

/** Markdown: one row per variant, the baseline's figures next to llmsim's, and llmsim's share of the baseline's rate. */
export function variantTable(title: string, units: { rate: string; latency: string; cpu: string }, rows: readonly VariantResult[]): string {
  const side = (who: string): string[] => [`${who} ${units.rate}`, `${who} ${units.latency} p50 ms`, `${who} p99 ms`, `${who} CPU µs/${units.cpu}`];
  const head = ['workload', ...side('baseline'), ...side('llmsim'), `llmsim ${units.rate} % of baseline`, 'llmsim CPU ÷ baseline'];
  const cells = (s: Side): string[] => [`${f(s.rate, 0)}${mark(s)}`, f(s.p50Ms, 2), f(s.p99Ms, 2), f(s.cpuUs, s.cpuUs < 100 ? 1 : 0)];
  const body = rows.map((r) => [
    r.label,
    ...cells(r.base),
    ...cells(r.sim),
    `${f((100 * r.sim.rate) / r.base.rate, 0)}%`,
    `${f(r.sim.cpuUs / r.base.cpuUs, 1)}x`,
  ]);
  const note = rows.some((r) => r.base.repeated || r.sim.repeated) ? '\n† the run outlasted its prompt set: some prompts were sent twice\n' : '';
  return `\n${title}\n| ${head.join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |\n${body.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n${note}`;
}
