/**
 * @module Prints the KV cache capacity table of docs/CALIBRATION.md: each public vLLM log (tests/timing/kv-logs.ts)
 * against what llmsim's own sizing (`kvMemoryBytesPerGpu`, `weightMemoryBytesPerGpu`) gives the same setup.
 *   node --import tsx bench/kv-capacity.ts
 * Columns: the log, the formula before this change (all parameters at the quantized width, a flat 3 GiB reserve), and
 * the shipped one (quantized layers only, the release's reserve).
 */
import { KV_LOGS, kvLogProfile, type KvLog } from '../tests/timing/kv-logs.ts';
import { kvMemoryBytesPerGpu, weightMemoryBytesPerGpu, kvBytesPerTokenPerGpu, gpuMemoryBytes, weightBytes, type Profile } from '../src/timing/profile.ts';

const GIB = 2 ** 30;
const pct = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
const med = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};
const budgetGib = (p: Profile, util: number): number => (gpuMemoryBytes(p.gpu!) * util) / GIB;

/** The formula before this change: all parameters at the quantized width, a flat 3 GiB reserve (or the profile's). */
const beforeGib = (p: Profile, util: number): number =>
  budgetGib(p, util) - (p.model!.total_params_b * 1e9 * weightBytes(p)) / p.tensor_parallel / GIB - (p.activation_reserve_gb ?? 3);

const rows = KV_LOGS.map((k) => {
  const p = kvLogProfile(k);
  const before = beforeGib(p, k.utilization);
  const after = kvMemoryBytesPerGpu(p, k.utilization) / GIB;
  const w = weightMemoryBytesPerGpu(p) / GIB;
  // What the log leaves for activation peak + non-torch: the budget minus its weights (logged, else llmsim's) and KV.
  const implied = budgetGib(p, k.utilization) - (k.weightsGib ?? w) - k.kvGib;
  return { k, p, before, after, w, implied };
});
const err = (x: number, k: KvLog): number => ((x - k.kvGib) / Math.abs(k.kvGib)) * 100;
const lines = [
  '| Log | vLLM | Setup | Measured KV (GiB/GPU) | llmsim before | Error | llmsim now | Error | Weights logged / llmsim (GiB) | Implied reserve (GiB) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map(({ k, p, before, after, w, implied }) => {
    const tokens =
      k.tokens === undefined
        ? ''
        : ` (${k.tokens.toLocaleString('en-US')} tok; llmsim ${(Math.floor(Math.max(0, after * GIB) / kvBytesPerTokenPerGpu(p) / 16) * 16).toLocaleString('en-US')})`;
    return `| ${k.id} | ${k.vllm} | ${k.setup}${k.caveat ? ` *(${k.caveat})*` : ''} | ${k.kvGib.toFixed(2)}${tokens} | ${before.toFixed(2)} | ${pct(err(before, k))} | ${after.toFixed(2)} | ${pct(err(after, k))} | ${k.weightsGib === undefined ? '—' : k.weightsGib.toFixed(2)} / ${w.toFixed(2)} | ${implied.toFixed(2)} |`;
  }),
];
process.stdout.write(`${lines.join('\n')}\n\nSources:\n${rows.map(({ k }) => `- ${k.id}: ${k.source}`).join('\n')}\n\n`);
for (const rel of ['v0.6', 'v1'] as const) {
  const rs = rows.filter((r) => r.k.release === rel && r.k.kvGib > 0);
  for (const [label, pick] of [
    ['before', (r: (typeof rows)[number]) => err(r.before, r.k)],
    ['now', (r: (typeof rows)[number]) => err(r.after, r.k)],
  ] as const) {
    const e = rs.map(pick);
    process.stdout.write(
      `${rel} logs, ${label} (n=${e.length}): median error ${pct(med(e))}, median |error| ${med(e.map(Math.abs)).toFixed(1)}%, max |error| ${Math.max(...e.map(Math.abs)).toFixed(1)}%\n`,
    );
  }
}
// The V1 reserve is the median implied reserve of the V1 logs; leave-one-out: each log against the median of the others.
const v1 = rows.filter((r) => r.k.release === 'v1');
process.stdout.write(
  `v1 implied reserve: median ${med(v1.map((r) => r.implied)).toFixed(2)} GiB, range ${Math.min(...v1.map((r) => r.implied)).toFixed(2)}–${Math.max(...v1.map((r) => r.implied)).toFixed(2)}\n`,
);
const loo = v1
  .filter((r) => r.k.kvGib > 0)
  .map((r) => {
    const others = med(v1.filter((o) => o !== r).map((o) => o.implied));
    return err(kvMemoryBytesPerGpu({ ...r.p, activation_reserve_gb: others }, r.k.utilization) / GIB, r.k);
  });
process.stdout.write(
  `v1 logs, leave-one-out reserve (n=${loo.length}): median |error| ${med(loo.map(Math.abs)).toFixed(1)}%, max |error| ${Math.max(...loo.map(Math.abs)).toFixed(1)}%\n`,
);
