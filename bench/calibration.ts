/** Prints the calibration table of docs/CALIBRATION.md: `node --import tsx bench/calibration.ts`. */
import { ANCHORS, replay } from '../src/timing/calibration.ts';

const rows = ANCHORS.map((a) => {
  const p = replay(a);
  const err = ((p - a.measured) / a.measured) * 100;
  return `| ${a.id} | ${a.profile} | ${a.metric} | ${a.measured.toFixed(1)} ${a.unit} | ${p.toFixed(1)} ${a.unit} | ${err >= 0 ? '+' : ''}${err.toFixed(1)}% | ±${a.tolerance * 100}% |`;
});
process.stdout.write(`| Anchor | Profile | Metric | Measured | llmsim | Error | Bound |\n| --- | --- | --- | --- | --- | --- | --- |\n${rows.join('\n')}\n`);
