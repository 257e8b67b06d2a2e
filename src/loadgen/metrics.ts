/**
 * @module vLLM's benchmark metrics (`calculate_metrics` in vllm/benchmarks/serve.py), re-implemented with its
 * definitions: TTFT = first chunk carrying a choice; ITL = gaps between such chunks; E2EL = request sent to its last
 * token chunk; TPOT = (E2EL - TTFT) / (output tokens - 1) for requests of more than one token; percentiles by linear
 * interpolation (numpy's default), std without Bessel's correction (numpy's), means of empty lists are 0.
 */

/** One request as the client saw it (vLLM's RequestFuncOutput); times in seconds. */
export interface RequestOutput {
  readonly requestId: string;
  success: boolean;
  error: string;
  promptLen: number;
  outputTokens: number;
  ttft: number;
  itl: number[];
  latency: number;
  /** Seconds since the benchmark started, when the request was sent. */
  startTime: number;
  /** Seconds spent waiting for a `--max-concurrency` slot. */
  queueTime: number;
  generatedText: string;
  /** The response's `id` (what a proxy or llmsim's trace calls the request). */
  responseId: string | null;
}

export interface BenchMetrics {
  readonly completed: number;
  readonly failed: number;
  readonly totalInput: number;
  readonly totalOutput: number;
  readonly requestThroughput: number;
  readonly outputThroughput: number;
  readonly totalTokenThroughput: number;
  readonly maxOutputTokensPerS: number;
  readonly maxConcurrentRequests: number;
  /** Per metric (ttft, tpot, itl, e2el): mean, median, std and the selected percentiles, in ms. */
  readonly stats: Readonly<Record<'ttft' | 'tpot' | 'itl' | 'e2el', MetricStats>>;
}

export interface MetricStats {
  readonly mean: number;
  readonly median: number;
  readonly std: number;
  readonly percentiles: readonly (readonly [number, number])[];
}

export function computeMetrics(outputs: readonly RequestOutput[], durationS: number, percentiles: readonly number[]): BenchMetrics {
  const ok = outputs.filter((o) => o.success);
  const ttfts: number[] = [];
  const tpots: number[] = [];
  const itls: number[] = [];
  const e2els: number[] = [];
  let totalInput = 0;
  let totalOutput = 0;
  for (const o of ok) {
    const outputLen = o.outputTokens || 1;
    totalInput += o.promptLen;
    totalOutput += outputLen;
    if (outputLen > 1) tpots.push((o.latency - o.ttft) / (outputLen - 1));
    for (const gap of o.itl) itls.push(gap);
    ttfts.push(o.ttft);
    e2els.push(o.latency);
  }
  const stats = (values: number[]): MetricStats => {
    const sorted = Float64Array.from(values).sort();
    return {
      mean: mean(values) * 1000,
      median: percentile(sorted, 50) * 1000,
      std: std(values) * 1000,
      percentiles: percentiles.map((p) => [p, percentile(sorted, p) * 1000] as const),
    };
  };
  return {
    completed: ok.length,
    failed: outputs.length - ok.length,
    totalInput,
    totalOutput,
    requestThroughput: ok.length / durationS,
    outputThroughput: totalOutput / durationS,
    totalTokenThroughput: (totalInput + totalOutput) / durationS,
    ...peaks(ok),
    stats: { ttft: stats(ttfts), tpot: stats(tpots), itl: stats(itls), e2el: stats(e2els) },
  };
}

/** vLLM's peak output tokens in any whole second, and the peak number of requests in flight (half-open intervals). */
function peaks(ok: readonly RequestOutput[]): { maxOutputTokensPerS: number; maxConcurrentRequests: number } {
  if (ok.length === 0) return { maxOutputTokensPerS: 0, maxConcurrentRequests: 0 };
  let start = Infinity;
  let end = -Infinity;
  for (const o of ok) {
    start = Math.min(start, o.startTime);
    end = Math.max(end, o.startTime + o.latency);
  }
  const buckets = new Float64Array(Math.ceil(end - start) + 1);
  const events: [number, number][] = [];
  for (const o of ok) {
    let t = o.startTime + o.ttft;
    buckets[Math.floor(t - start)]! += 1;
    for (const gap of o.itl) {
      t += gap;
      const b = Math.floor(t - start);
      if (b >= 0 && b < buckets.length) buckets[b]! += 1;
    }
    events.push([o.startTime, 1], [o.startTime + o.latency, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of events) peak = Math.max(peak, (now += d));
  return { maxOutputTokensPerS: buckets.reduce((a, b) => Math.max(a, b), 0), maxConcurrentRequests: peak };
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

function std(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  return Math.sqrt(s / values.length);
}

/** numpy.percentile's default ("linear"): rank p/100 * (n - 1), interpolated; 0 for no values (vLLM's `or 0`). */
export function percentile(sorted: Float64Array | readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (rank - lo);
}

/** vLLM's result JSON: the keys its dashboards read, in its units (seconds for raw lists, ms for statistics). */
export function resultJson(m: BenchMetrics, outputs: readonly RequestOutput[], durationS: number, extra: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {
    ...extra,
    duration: durationS,
    completed: m.completed,
    failed: m.failed,
    total_input_tokens: m.totalInput,
    total_output_tokens: m.totalOutput,
    request_throughput: m.requestThroughput,
    request_goodput: null,
    output_throughput: m.outputThroughput,
    total_token_throughput: m.totalTokenThroughput,
    input_lens: outputs.map((o) => o.promptLen),
    output_lens: outputs.map((o) => (o.success ? o.outputTokens || 1 : 0)),
    ttfts: outputs.map((o) => o.ttft),
    itls: outputs.map((o) => o.itl),
    latencies: outputs.map((o) => o.latency),
    start_times: outputs.map((o) => o.startTime),
    queue_times: outputs.map((o) => o.queueTime),
    generated_texts: outputs.map((o) => o.generatedText),
    errors: outputs.map((o) => o.error),
    max_output_tokens_per_s: m.maxOutputTokensPerS,
    max_concurrent_requests: m.maxConcurrentRequests,
    rtfx: 0,
  };
  for (const name of ['ttft', 'tpot', 'itl', 'e2el'] as const) {
    const s = m.stats[name];
    result[`mean_${name}_ms`] = s.mean;
    result[`median_${name}_ms`] = s.median;
    result[`std_${name}_ms`] = s.std;
    for (const [p, v] of s.percentiles) result[`p${Number.isInteger(p) ? p : p}_${name}_ms`] = v;
  }
  return result;
}
