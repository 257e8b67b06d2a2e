/**
 * @module Lag percentiles from llmsim's `llmsim:scheduler_lag_seconds` and `llmsim:step_delivery_lag_seconds`
 * histograms (the delta of two scrapes).
 */

export type Buckets = Map<number, number>;
export interface LagScrape {
  /** How late steps fired (counting a step as fired once the earlier steps' chunks were written). */
  readonly scheduler: Buckets;
  /** How late each step's last chunk was written. */
  readonly delivery: Buckets;
}

export async function scrapeLag(url: string): Promise<LagScrape> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return { scheduler: buckets(text, 'scheduler_lag'), delivery: buckets(text, 'step_delivery_lag') };
}

function buckets(text: string, name: string): Buckets {
  const out: Buckets = new Map();
  for (const m of text.matchAll(new RegExp(`^llmsim:${name}_seconds_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm')))
    out.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
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
