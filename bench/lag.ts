/** @module Scheduler-lag percentiles: from llmsim's `llmsim:scheduler_lag_seconds` histogram (delta of two scrapes) or the baseline's /stats. */

export type Buckets = Map<number, number>;

export async function scrapeLag(url: string): Promise<Buckets> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Buckets = new Map();
  for (const m of text.matchAll(/^llmsim:scheduler_lag_seconds_bucket\{le="([^"]+)"\} (\S+)$/gm)) out.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return out;
}

/** Upper bucket bound (seconds) under which fraction `q` of the lag samples taken between two scrapes fall. */
export function lagQuantile(before: Buckets, after: Buckets, q: number): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return 0;
  for (const b of bounds) if ((after.get(b) ?? 0) - (before.get(b) ?? 0) >= q * total) return b;
  return Infinity;
}
