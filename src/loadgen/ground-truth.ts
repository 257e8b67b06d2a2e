/**
 * @module Grades what sits between the client and llmsim: each client observation is joined by request id (the
 * `x-request-id` the client sent, which llmsim's ids and trace carry) with llmsim's trace, giving the TTFT and E2E
 * the path added on top of the engine, requests lost (sent, failed, never reached an engine), served without an engine
 * record, retried or duplicated (more than one engine record for one client request), the spread of load over
 * replicas, and the prefix-cache hit rate the routing achieved. With per-token times in the trace (`--trace-tokens`),
 * the engine-side ITL percentiles are rebuilt exactly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostMs } from '../clock/clock.ts';
import { waitWallMs } from '../clock/wall-wait.ts';
import { percentile } from './metrics.ts';
import type { RequestOutput } from './metrics.ts';

/** A trace line (llmsim `--trace`); only the fields the join reads. */
export interface TraceRecord {
  readonly request_id: string;
  readonly replica?: string;
  readonly arrival: number;
  readonly first_token: number | null;
  readonly finished: number;
  readonly finish_reason: string;
  readonly prompt_tokens: number;
  readonly cached_tokens: number;
  readonly token_times?: readonly number[];
}

export interface GroundTruth {
  readonly joined: number;
  readonly lost: number;
  readonly withoutEngineRecord: number;
  readonly duplicated: number;
  readonly retried: number;
  /** Added by the path (client minus engine), ms: p50 and p99. */
  readonly addedTtftMs: { readonly p50: number; readonly p99: number };
  readonly addedE2eMs: { readonly p50: number; readonly p99: number };
  /** Per-request added TTFT (ms), for the report's CDF. */
  readonly addedTtft: readonly number[];
  readonly replicas: Readonly<Record<string, number>>;
  readonly prefixCacheHitRate: number;
  /** Engine-side ITL (ms) from per-token times, when the trace has them. */
  readonly engineItlMs: { readonly p50: number; readonly p99: number; readonly mean: number } | null;
}

/**
 * The trace once it has a record for each of `ids` (llmsim writes a line when a request ends, through a file stream:
 * the last lines may land a moment after the client saw the end), or what is there after `patienceMs`.
 */
export async function readTraceFor(file: string, ids: readonly string[], patienceMs = 3000): Promise<TraceRecord[]> {
  const started = hostMs();
  for (;;) {
    const records = existsSync(file) ? readTrace(file) : [];
    const seen = new Set(records.map((r) => stripPrefix(r.request_id)));
    if (ids.every((id) => seen.has(id)) || hostMs() - started > patienceMs) return records;
    await waitWallMs(20);
  }
}

export function readTrace(file: string): TraceRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{"request_id"'))
    .map((l) => JSON.parse(l) as TraceRecord);
}

/** The client id inside a response/trace id (`cmpl-<x-request-id>`, `chatcmpl-…`, a prompt index suffix aside). */
const stripPrefix = (id: string): string => id.replace(/^(chatcmpl-|cmpl-|resp_)/, '');

/** `speedup`: simulated seconds per wall second on the target (1 in real time). */
export function joinWithTrace(outputs: readonly RequestOutput[], trace: readonly TraceRecord[], speedup = 1): GroundTruth {
  const byId = new Map<string, TraceRecord[]>();
  for (const r of trace) {
    const key = stripPrefix(r.request_id);
    const list = byId.get(key);
    if (list) list.push(r);
    else byId.set(key, [r]);
  }
  const addedTtft: number[] = [];
  const addedE2e: number[] = [];
  let joined = 0;
  let lost = 0;
  let without = 0;
  let duplicated = 0;
  let retried = 0;
  const replicas: Record<string, number> = {};
  let prompt = 0;
  let cached = 0;
  const itl: number[] = [];
  let sawTokens = false;
  for (const o of outputs) {
    const records = byId.get(o.requestId) ?? [];
    if (records.length === 0) {
      if (o.success) without++;
      else lost++;
      continue;
    }
    if (records.length > 1) {
      duplicated++;
      if (records.some((r) => r.finish_reason === 'abort')) retried++;
    }
    // The record that answered: the last one that finished normally (a retry's earlier attempts were aborted).
    const r = [...records].reverse().find((x) => x.finish_reason !== 'abort') ?? (records[records.length - 1] as TraceRecord);
    joined++;
    replicas[r.replica ?? 'llmsim'] = (replicas[r.replica ?? 'llmsim'] ?? 0) + 1;
    prompt += r.prompt_tokens;
    cached += r.cached_tokens;
    if (o.success && r.first_token !== null) {
      addedTtft.push((o.ttft - (r.first_token - r.arrival) / speedup) * 1000);
      addedE2e.push((o.latency - (r.finished - r.arrival) / speedup) * 1000);
    }
    if (r.token_times) {
      sawTokens = true;
      for (let k = 1; k < r.token_times.length; k++) itl.push(((r.token_times[k] as number) - (r.token_times[k - 1] as number)) * 1000);
    }
  }
  const pct = (xs: number[]): { p50: number; p99: number } => {
    const s = Float64Array.from(xs).sort();
    return { p50: percentile(s, 50), p99: percentile(s, 99) };
  };
  return {
    joined,
    lost,
    withoutEngineRecord: without,
    duplicated,
    retried,
    addedTtftMs: pct(addedTtft),
    addedE2eMs: pct(addedE2e),
    addedTtft,
    replicas,
    prefixCacheHitRate: prompt > 0 ? cached / prompt : 0,
    engineItlMs: sawTokens ? { ...pct(itl), mean: itl.reduce((a, b) => a + b, 0) / Math.max(1, itl.length) } : null,
  };
}
