/**
 * @module What-if: a per-architecture GEMM efficiency (η_f for Ampere and Hopper cards apart, DESIGN.md §10.2) and the
 * `v0.6` front-end delay, replayed over the H100/A100 anchors, with the term's own train / held-out split, for
 * docs/CALIBRATION.md. Nothing here is shipped: the anchors' profiles stay as they are.
 *   node --import tsx bench/calibration-arch.ts '{"ampere":0.58,"hopper":0.35,"v06_ingress_ms":8}'
 *   node --import tsx bench/calibration-arch.ts '{}'        (the shipped model, same split)
 */
import { ANCHORS } from '../tests/timing/anchors.ts';
import { replay, anchorProfile } from '../tests/timing/anchor-replay.ts';

const o = JSON.parse(process.argv[2] ?? '{}') as { ampere?: number; hopper?: number; v06_ingress_ms?: number; blend_p?: number };
// The anchors the term's three values were chosen on: prefill-heavy saturated runs per architecture (G4/G5 and the
// new G16 on the H100, G10/G11 on the A100) and Lambda's two 8B bursts for the v0.6 front-end delay. All else is held out.
const TERM_TRAIN = new Set([
  'G4:total_throughput',
  'G5:total_throughput',
  'G16:total_throughput',
  'G10:total_throughput',
  'G11:total_throughput',
  'L1:ttft',
  'L2:ttft',
]);
const rows: { key: string; group: string; train: boolean; err: number }[] = [];
for (const a of ANCHORS) {
  const p = anchorProfile(a);
  const gpu = p.gpu?.name ?? '';
  const arch = /a100/i.test(gpu) ? 'ampere' : /h100|h200/i.test(gpu) ? 'hopper' : 'other';
  if (arch === 'other') continue;
  const eff = { ...p.efficiency, ...(o[arch] !== undefined ? { compute: o[arch] } : {}), ...(o.blend_p !== undefined ? { blend_p: o.blend_p } : {}) };
  const over = { ...p.overheads, ...(a.release === 'v0.6' && o.v06_ingress_ms !== undefined ? { ingress_ms: o.v06_ingress_ms } : {}) };
  const err = ((replay(a, { ...p, efficiency: eff, overheads: over }) - a.measured) / a.measured) * 100;
  const group = a.metric.startsWith('ttft') ? 'TTFT' : a.metric.includes('throughput') ? 'throughput' : 'TPOT/step';
  rows.push({ key: `${a.id}:${a.metric}`, group, train: TERM_TRAIN.has(`${a.id}:${a.metric}`), err });
}
const med = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};
const fmt = (e: number): string => `${e >= 0 ? '+' : ''}${e.toFixed(1)}%`;
process.stdout.write(`${JSON.stringify(o)}\n${rows.map((r) => `${r.key}${r.train ? '*' : ''} ${fmt(r.err)}`).join(', ')}\n`);
for (const group of ['TTFT', 'TPOT/step', 'throughput'])
  for (const train of [true, false]) {
    const errs = rows.filter((r) => r.group === group && r.train === train).map((r) => Math.abs(r.err));
    if (errs.length)
      process.stdout.write(
        `${group} (${train ? 'train' : 'held out'}, n=${errs.length}): median |error| ${med(errs).toFixed(1)}%, max ${Math.max(...errs).toFixed(1)}%, worse than 25%: ${errs.filter((e) => e > 25).length}\n`,
      );
  }
