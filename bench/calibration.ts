/** Prints the calibration table of docs/CALIBRATION.md: `node --import tsx bench/calibration.ts`. */
import { ANCHORS, isTrain } from '../tests/timing/anchors.ts';
import { replay } from '../tests/timing/anchor-replay.ts';

const unit = (m: string): string => (m.includes('throughput') ? 'tok/s' : 'ms');
const rows = ANCHORS.map((a) => {
  const p = replay(a);
  const err = ((p - a.measured) / a.measured) * 100;
  return {
    a,
    p,
    err,
    line: `| ${a.id}${isTrain(a) ? ' (train)' : ''} | ${a.profile} | ${a.vllm} | ${a.metric} | ${a.measured.toFixed(1)} ${unit(a.metric)} | ${p.toFixed(1)} ${unit(a.metric)} | ${err >= 0 ? '+' : ''}${err.toFixed(1)}% | ±${Math.round(a.tolerance * 100)}% |`,
  };
});
process.stdout.write(
  `| Anchor | Profile | vLLM | Metric | Measured | llmsim | Error | Bound |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n${rows.map((r) => r.line).join('\n')}\n`,
);
const med = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};
for (const [label, pred] of [
  ['TTFT', (m: string) => m.startsWith('ttft')],
  ['TPOT/step', (m: string) => m === 'tpot' || m === 'decode_step' || m === 'itl_median'],
  ['throughput', (m: string) => m.includes('throughput')],
] as const) {
  for (const rel of ['v1', 'v0.14', 'v0.11', 'v0.6']) {
    const errs = rows.filter((r) => pred(r.a.metric) && r.a.release === rel).map((r) => Math.abs(r.err));
    if (errs.length)
      process.stdout.write(`${label} (${rel} anchors, n=${errs.length}): median |error| ${med(errs).toFixed(1)}%, max ${Math.max(...errs).toFixed(1)}%\n`);
  }
  // Train (anchors that set a constant) against held out (every other anchor), all releases together.
  for (const [split, keep] of [
    ['train', true],
    ['held out', false],
  ] as const) {
    const errs = rows.filter((r) => pred(r.a.metric) && isTrain(r.a) === keep).map((r) => Math.abs(r.err));
    if (errs.length)
      process.stdout.write(`${label} (${split}, n=${errs.length}): median |error| ${med(errs).toFixed(1)}%, max ${Math.max(...errs).toFixed(1)}%\n`);
  }
}
