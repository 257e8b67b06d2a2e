/**
 * @module The workloads of `vllm bench serve` (`--dataset-name`), generated from the seed: `random` (uniform lengths
 * in [L(1-r), L(1+r)], an optional shared prefix, distinct token sequences), `prefix-repetition` (N shared system
 * prefixes with distinct suffixes, shuffled: what a prefix-cache-aware router is graded on), and `sharegpt-synthetic`
 * (lengths drawn like ShareGPT conversations, with vLLM's ShareGPT filters; no dataset file is downloaded).
 */
import { createRng, randInt, randNormal, type Rng } from '../generate/rng.ts';
import type { BenchOptions } from './options.ts';

export interface SampleRequest {
  readonly requestId: string;
  /** Prompt token ids (sent as such to /v1/completions; chat gets `text`). */
  readonly promptIds: readonly number[];
  readonly outputLen: number;
}

/** Token ids drawn from here avoid the special tokens at the ends of common vocabularies. */
const ID_LOW = 1000;
const ID_SPAN = 99_000;

export function sampleRequests(o: BenchOptions): SampleRequest[] {
  const rng = createRng(o.seed, 'llmsim-bench', 0, o.datasetName);
  const id = (i: number): string => `${o.requestIdPrefix}${i}`;
  if (o.datasetName === 'prefix-repetition') return prefixRepetition(o, rng, id);
  if (o.datasetName === 'sharegpt-synthetic') return sharegptSynthetic(o, rng, id);
  return random(o, rng, id);
}

function random(o: BenchOptions, rng: Rng, id: (i: number) => string): SampleRequest[] {
  const r = o.randomRangeRatio;
  const inLow = Math.floor(o.randomInputLen * (1 - r));
  const inHigh = Math.ceil(o.randomInputLen * (1 + r));
  const outLow = Math.max(1, Math.floor(o.randomOutputLen * (1 - r)));
  const outHigh = Math.max(1, Math.ceil(o.randomOutputLen * (1 + r)));
  const prefix = tokens(rng, o.randomPrefixLen);
  return Array.from({ length: o.numPrompts }, (_, i) => {
    const len = randInt(rng, inLow, inHigh);
    // As vLLM's: consecutive ids from a random offset, shifted by the index, so no two prompts share a prefix block.
    const offset = randInt(rng, 0, ID_SPAN - 1) + i;
    const body = Array.from({ length: len }, (_, j) => ID_LOW + ((offset + j) % ID_SPAN));
    return { requestId: id(i), promptIds: prefix.concat(body), outputLen: randInt(rng, outLow, outHigh) };
  });
}

function prefixRepetition(o: BenchOptions, rng: Rng, id: (i: number) => string): SampleRequest[] {
  const perPrefix = Math.floor(o.numPrompts / o.prefixRepetitionNumPrefixes);
  if (perPrefix === 0) throw new Error(`--num-prompts (${o.numPrompts}) must be at least --prefix-repetition-num-prefixes (${o.prefixRepetitionNumPrefixes})`);
  const out: { promptIds: number[]; outputLen: number }[] = [];
  for (let p = 0; p < o.prefixRepetitionNumPrefixes; p++) {
    const prefix = tokens(rng, o.prefixRepetitionPrefixLen);
    for (let k = 0; k < perPrefix; k++)
      out.push({ promptIds: prefix.concat(tokens(rng, o.prefixRepetitionSuffixLen)), outputLen: o.prefixRepetitionOutputLen });
  }
  // Fisher-Yates with the seeded stream (vLLM shuffles too).
  for (let i = out.length - 1; i > 0; i--) {
    const j = randInt(rng, 0, i);
    [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
  }
  return out.map((r, i) => ({ requestId: id(i), ...r }));
}

/**
 * ShareGPT-like lengths: log-normal prompt and answer lengths (medians ~ 150 and ~ 200 tokens, long tails), kept as
 * vLLM's ShareGPT sampler keeps them: prompt and output at least 4 tokens, prompt at most 1,024, total at most 2,048.
 * `--random-output-len` is ignored, as vLLM's `--sharegpt-output-len` unset keeps the dataset's answer lengths.
 */
function sharegptSynthetic(o: BenchOptions, rng: Rng, id: (i: number) => string): SampleRequest[] {
  const out: SampleRequest[] = [];
  while (out.length < o.numPrompts) {
    const promptLen = Math.round(Math.exp(Math.log(150) + 1.1 * randNormal(rng)));
    const outputLen = Math.round(Math.exp(Math.log(200) + 0.9 * randNormal(rng)));
    if (promptLen < 4 || outputLen < 4 || promptLen > 1024 || promptLen + outputLen > 2048) continue;
    out.push({ requestId: id(out.length), promptIds: tokens(rng, promptLen), outputLen });
  }
  return out;
}

function tokens(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => ID_LOW + randInt(rng, 0, ID_SPAN - 1));
}

/** Arrival offsets (seconds from the start), as vLLM's `get_request`: gamma inter-arrivals rescaled to N / rate. */
export function arrivalOffsets(n: number, rate: number, burstiness: number, seed: number): number[] {
  if (rate === Infinity) return new Array<number>(n).fill(0);
  const rng = createRng(seed, 'llmsim-bench', 0, 'arrivals');
  const delays: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += burstiness === Infinity ? 1 / rate : gamma(rng, burstiness) / (rate * burstiness);
    delays.push(t);
  }
  // vLLM rescales so the last request goes out at exactly N / rate (the raw sum is 1-2 % off).
  const scale = t > 0 ? n / rate / t : 1;
  return delays.map((d) => d * scale);
}

/** Gamma(shape, 1) by Marsaglia-Tsang (shape < 1 boosted). */
function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.max(rng(), 1e-12) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = randNormal(rng);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = Math.max(rng(), 1e-12);
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
