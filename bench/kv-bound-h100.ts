/**
 * @module Whether KV capacity explains the saturated-H100 miss (G14-G17, N1; docs/CALIBRATION.md): replays each run
 * with the KV reserve set so the cache holds what the published runs prove vLLM had at least (G16's 32,000 + 100-token
 * requests ran: >= 32,112 tokens; N1's --max-model-len 32000: >= 32,000), what `vllm serve Qwen/Qwen3-32B`'s default
 * max_model_len would need (40,960), and half of llmsim's (a cache that would have had to be that small to explain the
 * miss), and compares the mean decoding batch (output tok/s × mean TPOT, Little's law) with the published one.
 *   node --import tsx bench/kv-bound-h100.ts
 */
import { ANCHORS, type Anchor } from '../tests/timing/anchors.ts';
import { anchorProfile, runWorkload } from '../tests/timing/anchor-replay.ts';
import { simulateBench } from '../src/calibrate/replay.ts';
import { kvCapacityBlocks, kvBytesPerTokenPerGpu, weightMemoryBytesPerGpu, gpuMemoryBytes, activationReserveGib, type Profile } from '../src/timing/profile.ts';

const GIB = 2 ** 30;
/** Published output tok/s and mean TPOT (ms) where the source prints both (gpustack's Qwen3-32B H100 page). */
const PUBLISHED: Readonly<Record<string, { out: number; tpot: number }>> = {
  G14: { out: 102.21, tpot: 66.61 },
  G15: { out: 152.42, tpot: 86.62 },
  G16: { out: 6.64, tpot: 43.42 },
  G17: { out: 1131.55, tpot: 88.09 },
};

/** The reserve (GiB) that leaves `tokens` of KV on this profile's GPU. */
const reserveFor = (p: Profile, tokens: number): number =>
  (gpuMemoryBytes(p.gpu!) * 0.9 - weightMemoryBytesPerGpu(p) - tokens * kvBytesPerTokenPerGpu(p)) / GIB;
const tokensOf = (p: Profile): number => kvCapacityBlocks(p, 16, 0.9) * 16;

const rows: string[] = [
  '| Run | KV cache | KV tokens | total tok/s error | TTFT error | mean decoding batch (llmsim / published) |',
  '| --- | --- | --- | --- | --- | --- |',
];
for (const id of ['G14', 'G15', 'G16', 'G17', 'N1']) {
  const tput = ANCHORS.find((a) => a.id === id && a.metric === 'total_throughput') as Anchor;
  const ttft = ANCHORS.find((a) => a.id === id && a.metric === 'ttft') as Anchor;
  const base = anchorProfile(tput);
  const shipped = tokensOf(base);
  const cases: [string, number][] = [
    ['shipped', activationReserveGib(base)],
    ['>= 32,112 tokens (the least the run allows)', reserveFor(base, 32_112 + 8)],
    ['40,960 tokens (default max_model_len)', reserveFor(base, 40_960 + 8)],
    ['half of shipped', reserveFor(base, shipped / 2)],
  ];
  for (const [label, reserve] of cases) {
    const p = { ...base, activation_reserve_gb: reserve };
    const m = simulateBench(p, runWorkload(tput.run as Exclude<Anchor['run'], string>));
    const pub = PUBLISHED[id];
    const batch = pub ? `${((m.outputThroughput * m.meanTpotMs) / 1000).toFixed(1)} / ${((pub.out * pub.tpot) / 1000).toFixed(1)}` : '— (max-num-seqs 32)';
    const e = (v: number, a: Anchor): string => {
      const x = ((v - a.measured) / a.measured) * 100;
      return `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
    };
    rows.push(`| ${id} | ${label} | ${tokensOf(p).toLocaleString('en-US')} | ${e(m.totalThroughput, tput)} | ${e(m.meanTtftMs, ttft)} | ${batch} |`);
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
