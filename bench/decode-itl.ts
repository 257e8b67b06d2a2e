/**
 * @module Which card the saturated gpustack/vllm#17788 runs behave like (docs/CALIBRATION.md, "Replay fidelity"): the
 * published median ITL of a KV-bound run is its decode-only step (no prefill joins while the cache is full), a number
 * no anchor uses, so it tests the step time apart from the throughput/TTFT anchors. Prints, per run, the published mean
 * TPOT and median ITL against the replay on the H100 SXM and PCIe datasheets (the A100 runs on their own entry).
 *   node --import tsx bench/decode-itl.ts
 */
import { ANCHORS, type Run } from '../tests/timing/anchors.ts';
import { anchorProfile, runWorkload } from '../tests/timing/anchor-replay.ts';
import { simulateBench } from '../src/calibrate/replay.ts';
import { GPUS } from '../src/timing/gpus.ts';

/** Mean TPOT and median ITL (ms) as printed on the source pages (gpustack performance-lab, qwen3-14b and qwen3-32b). */
const PUBLISHED: Readonly<Record<string, { tpot: number; itl: number; page: string }>> = {
  G4: { tpot: 132.45, itl: 43.93, page: 'qwen3-14b/h100 ("A single NVIDIA H100 SXM GPU")' },
  G5: { tpot: 206.51, itl: 46.01, page: 'qwen3-14b/h100' },
  G8: { tpot: 277.44, itl: 43.48, page: 'qwen3-14b/h100' },
  G10: { tpot: 254.61, itl: 369.0, page: 'qwen3-14b/a100' },
  G11: { tpot: 301.73, itl: 333.99, page: 'qwen3-14b/a100' },
  G13: { tpot: 445.58, itl: 448.05, page: 'qwen3-14b/a100' },
  G14: { tpot: 66.61, itl: 43.38, page: 'qwen3-32b/h100 ("NVIDIA H100 GPUs")' },
  G15: { tpot: 86.62, itl: 44.8, page: 'qwen3-32b/h100' },
  G16: { tpot: 43.42, itl: 43.3, page: 'qwen3-32b/h100' },
  G17: { tpot: 88.09, itl: 50.2, page: 'qwen3-32b/h100' },
};

const pct = (x: number, ref: number): string => `${x >= ref ? '+' : ''}${(((x - ref) / ref) * 100).toFixed(0)}%`;
const rows = [
  '| Run | Page | Published TPOT / median ITL (ms) | llmsim, H100 SXM datasheet (A100 runs: their A100 entry) | llmsim, H100 PCIe datasheet |',
  '| --- | --- | --- | --- | --- |',
];
const seen = new Set<string>();
for (const a of ANCHORS) {
  const pub = PUBLISHED[a.id];
  if (!pub || seen.has(a.id) || typeof a.run === 'string') continue;
  seen.add(a.id);
  const p = anchorProfile(a);
  const w = runWorkload(a.run as Run);
  const cell = (m: ReturnType<typeof simulateBench>): string =>
    `${m.meanTpotMs.toFixed(1)} (${pct(m.meanTpotMs, pub.tpot)}) / ${m.medianItlMs.toFixed(1)} (${pct(m.medianItlMs, pub.itl)})`;
  const isH100 = /h100/i.test(p.gpu?.name ?? '');
  const first = cell(simulateBench(isH100 ? { ...p, gpu: GPUS['h100-sxm'] } : p, w));
  const pcie = isH100 ? cell(simulateBench({ ...p, gpu: GPUS['h100-pcie'] }, w)) : '—';
  rows.push(`| ${a.id} | ${pub.page} | ${pub.tpot} / ${pub.itl} | ${first} | ${pcie} |`);
}
process.stdout.write(`${rows.join('\n')}\n`);
