/**
 * @module Runs a workload against a server over HTTP, as `vllm bench serve` does: requests go out at their arrival
 * offsets (Poisson/gamma), at most `--max-concurrency` at a time, with a progress bar; engine state is sampled from
 * llmsim's `/admin/config` while it runs. Against llmsim in virtual time (`--virtual-time`), the whole workload is
 * sent under a clock hold with stated arrivals (`x-llmsim-arrival`), so it replays exactly as in-process.
 */
import { SingleBar, Presets } from 'cli-progress';
import { hostMs } from '../clock/clock.ts';
import { waitWallMs } from '../clock/wall-wait.ts';
import { createTarget, sendRequest, type Target } from './http-client.ts';
import type { RequestOutput } from './metrics.ts';
import type { SampleRequest } from './dataset.ts';
import type { EngineSample } from './report-html.ts';

export interface HttpRunOptions {
  readonly baseUrl: string;
  readonly endpoint: string;
  readonly model: string | null;
  readonly ignoreEos: boolean;
  readonly maxConcurrency: number | null;
  readonly progress: boolean;
  /** Where llmsim's `/admin/config` answers (engine state over time); null: not sampled. */
  readonly llmsimUrl: string | null;
  readonly virtualTime: boolean;
  readonly promptText: Target['promptText'];
}

export interface HttpRun {
  readonly outputs: RequestOutput[];
  readonly durationS: number;
  readonly engine: EngineSample[];
  readonly model: string;
}

export async function runOverHttp(o: HttpRunOptions, samples: readonly SampleRequest[], offsets: readonly number[]): Promise<HttpRun> {
  const model = o.model ?? (await firstModel(o.baseUrl));
  const target = createTarget(o.baseUrl, o.endpoint, model, o.ignoreEos, o.maxConcurrency ?? Infinity, o.promptText);
  const bar = o.progress
    ? new SingleBar(
        { format: ' {bar} {percentage}% | {value}/{total} | {duration_formatted} elapsed | ETA {eta_formatted}', hideCursor: true },
        Presets.shades_classic,
      )
    : null;
  bar?.start(samples.length, 0);
  const engine: EngineSample[] = [];
  const sampler = o.llmsimUrl ? sampleEngine(o.llmsimUrl, engine) : null;
  const t0 = hostMs();
  const outputs: RequestOutput[] = new Array(samples.length);
  let done = 0;
  const finished = (i: number, out: RequestOutput): void => {
    outputs[i] = out;
    bar?.update(++done);
  };
  if (o.virtualTime) await sendUnderHold(o.baseUrl, target, samples, offsets, t0, finished);
  else await sendPaced(target, samples, offsets, o.maxConcurrency, t0, finished);
  const durationS = (hostMs() - t0) / 1000;
  bar?.stop();
  await sampler?.stop();
  target.agent.destroy();
  return { outputs, durationS, engine, model };
}

/** vLLM's pacing: request i goes out at t0 + offset i (waiting for a concurrency slot when capped). */
async function sendPaced(
  target: Target,
  samples: readonly SampleRequest[],
  offsets: readonly number[],
  cap: number | null,
  t0: number,
  finished: (i: number, out: RequestOutput) => void,
): Promise<void> {
  let inflight = 0;
  const slots: (() => void)[] = [];
  const acquire = (): Promise<void> | null => (cap === null || inflight < cap ? (inflight++, null) : new Promise((r) => slots.push(r)));
  const release = (): void => {
    const next = slots.shift();
    if (next) next();
    else inflight--;
  };
  const all: Promise<void>[] = [];
  for (let i = 0; i < samples.length; i++) {
    const due = t0 + (offsets[i] as number) * 1000;
    const wait = due - hostMs();
    if (wait > 1) await waitWallMs(wait);
    const queued = hostMs();
    const slot = acquire();
    all.push(
      (async () => {
        if (slot) await slot;
        const out = await sendRequest(target, samples[i] as SampleRequest, t0, (hostMs() - queued) / 1000);
        release();
        finished(i, out);
      })(),
    );
  }
  await Promise.all(all);
}

/** Virtual time: hold llmsim's clock, send everything with stated arrivals, release once all have reached it. */
async function sendUnderHold(
  baseUrl: string,
  target: Target,
  samples: readonly SampleRequest[],
  offsets: readonly number[],
  t0: number,
  finished: (i: number, out: RequestOutput) => void,
): Promise<void> {
  const abort = new AbortController();
  const res = await fetch(new URL('/admin/clock/hold', baseUrl), { method: 'POST', signal: abort.signal });
  if (res.status !== 200) throw new Error(`--virtual-time needs llmsim's POST /admin/clock/hold (got HTTP ${res.status})`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let line = '';
  while (!line.includes('\n')) line += new TextDecoder().decode((await reader.read()).value);
  const heldAt = (JSON.parse(line) as { held_at: number }).held_at;
  const before = await serverLoad(baseUrl);
  const all = samples.map((s, i) =>
    sendRequest(target, s, t0, 0, { 'x-llmsim-arrival': String(heldAt + (offsets[i] as number)) }).then((out) => finished(i, out)),
  );
  while ((await serverLoad(baseUrl)) < before + samples.length) await new Promise((r) => setImmediate(r));
  abort.abort();
  await Promise.all(all);
}

async function serverLoad(baseUrl: string): Promise<number> {
  return ((await (await fetch(new URL('/load', baseUrl))).json()) as { server_load: number }).server_load;
}

async function firstModel(baseUrl: string): Promise<string> {
  const res = await fetch(new URL('/v1/models', baseUrl));
  if (res.status !== 200) throw new Error(`GET ${baseUrl}/v1/models: HTTP ${res.status} (pass --model)`);
  const data = (await res.json()) as { data?: { id: string }[] };
  const id = data.data?.[0]?.id;
  if (!id) throw new Error(`no models at ${baseUrl}/v1/models (pass --model)`);
  return id;
}

/** Samples llmsim's engine state (running, waiting, KV usage summed over its models) every 200 ms of wall time. */
function sampleEngine(url: string, into: EngineSample[]): { stop(): Promise<void> } {
  const t0 = hostMs();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const res = await fetch(new URL('/admin/config', url));
        const cfg = (await res.json()) as { models?: { engine: { running: number; waiting: number; kvCacheUsage: number } }[] };
        const e = (cfg.models ?? []).map((m) => m.engine);
        into.push({
          t: (hostMs() - t0) / 1000,
          running: sum(e.map((x) => x.running)),
          waiting: sum(e.map((x) => x.waiting)),
          kvUsage: Math.max(0, ...e.map((x) => x.kvCacheUsage)),
        });
      } catch {
        return;
      }
      await waitWallMs(200);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
