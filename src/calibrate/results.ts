/**
 * @module Reads benchmark result files into replayable points: `vllm bench serve --save-result` JSON (per-request
 * lengths when saved with `--save-detailed`, else the totals spread evenly), and guidellm reports where the fields
 * allow (per-request token counts, or their means; the measured mean concurrency stands in for the client's cap).
 */
import type { BenchWorkload } from './replay.ts';

/** The metrics a point was measured with; any may be missing. */
export interface Measured {
  readonly meanTtftMs?: number;
  readonly meanTpotMs?: number;
  readonly meanItlMs?: number;
  readonly outputThroughput?: number;
}

export interface BenchPoint {
  readonly label: string;
  readonly model?: string;
  readonly workload: BenchWorkload;
  readonly measured: Measured;
}

type Json = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const numbers = (v: unknown): number[] | undefined => (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined);

/** n lengths summing to `total` (the benchmark's totals when per-request lengths were not saved). */
function even(n: number, total: number): number[] {
  const base = Math.floor(total / n);
  return Array.from({ length: n }, (_, i) => base + (i < total - base * n ? 1 : 0));
}

function fromVllm(data: Json, label: string): BenchPoint {
  const completed = num(data.completed) ?? num(data.num_prompts);
  const inputLens = numbers(data.input_lens);
  const outputLens = numbers(data.output_lens);
  if (!completed && !inputLens) throw new Error(`${label}: no 'completed' count or 'input_lens' (not a vllm bench serve result?)`);
  const n = inputLens?.length ?? (completed as number);
  const totalIn = num(data.total_input_tokens);
  const totalOut = num(data.total_output_tokens);
  if (!inputLens && totalIn === undefined) throw new Error(`${label}: no input_lens and no total_input_tokens`);
  if (!outputLens && totalOut === undefined) throw new Error(`${label}: no output_lens and no total_output_tokens`);
  const rate = data.request_rate === 'inf' || data.request_rate === undefined || data.request_rate === null ? Infinity : Number(data.request_rate);
  return {
    label,
    ...(typeof data.model_id === 'string' ? { model: data.model_id } : {}),
    workload: {
      inputLens: inputLens ?? even(n, totalIn as number),
      outputLens: outputLens ?? even(n, totalOut as number),
      maxConcurrency: num(data.max_concurrency) ?? null,
      requestRate: Number.isFinite(rate) && rate > 0 ? rate : Infinity,
      burstiness: num(data.burstiness) ?? 1,
    },
    measured: {
      ...(num(data.mean_ttft_ms) !== undefined ? { meanTtftMs: num(data.mean_ttft_ms) } : {}),
      ...(num(data.mean_tpot_ms) !== undefined ? { meanTpotMs: num(data.mean_tpot_ms) } : {}),
      ...(num(data.mean_itl_ms) !== undefined ? { meanItlMs: num(data.mean_itl_ms) } : {}),
      ...(num(data.output_throughput) !== undefined ? { outputThroughput: num(data.output_throughput) } : {}),
    },
  };
}

const mean = (m: unknown): number | undefined => num(obj(obj(m).successful).mean);

function fromGuidellm(bench: Json, label: string): BenchPoint {
  const metrics = obj(bench.metrics);
  const requests = Array.isArray(obj(bench.requests).successful) ? (obj(bench.requests).successful as Json[]) : [];
  const count = requests.length || num(obj(obj(bench.run_stats).requests_made).successful) || 0;
  if (!count) throw new Error(`${label}: no successful requests in this guidellm benchmark`);
  const promptMean = mean(metrics.prompt_token_count);
  const outputMean = mean(metrics.output_token_count);
  const inputLens = requests.length
    ? requests.map((r) => num(r.prompt_tokens) ?? 0)
    : promptMean !== undefined
      ? even(count, Math.round(promptMean * count))
      : undefined;
  const outputLens = requests.length
    ? requests.map((r) => num(r.output_tokens) ?? 0)
    : outputMean !== undefined
      ? even(count, Math.round(outputMean * count))
      : undefined;
  if (!inputLens || !outputLens) throw new Error(`${label}: guidellm benchmark without prompt/output token counts`);
  const concurrency = mean(metrics.request_concurrency);
  return {
    label,
    workload: { inputLens, outputLens, maxConcurrency: concurrency !== undefined ? Math.max(1, Math.round(concurrency)) : null, requestRate: Infinity },
    measured: {
      ...(mean(metrics.time_to_first_token_ms) !== undefined ? { meanTtftMs: mean(metrics.time_to_first_token_ms) } : {}),
      ...(mean(metrics.time_per_output_token_ms) !== undefined ? { meanTpotMs: mean(metrics.time_per_output_token_ms) } : {}),
      ...(mean(metrics.inter_token_latency_ms) !== undefined ? { meanItlMs: mean(metrics.inter_token_latency_ms) } : {}),
      ...(mean(metrics.output_tokens_per_second) !== undefined ? { outputThroughput: mean(metrics.output_tokens_per_second) } : {}),
    },
  };
}

/** The points in one parsed result file (one for vLLM, one per benchmark for guidellm). */
export function pointsFromJson(data: unknown, file: string): BenchPoint[] {
  const root = obj(data);
  if (Array.isArray(root.benchmarks)) return (root.benchmarks as Json[]).map((b, i) => fromGuidellm(obj(b), `${file}#${i}`));
  return [fromVllm(root, file)];
}
