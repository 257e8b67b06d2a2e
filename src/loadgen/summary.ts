/** @module The terminal summary, laid out as `vllm bench serve` prints it (so eyes and scripts used to it read it), plus llmsim's ground truth. */
import type { BenchMetrics } from './metrics.ts';
import type { GroundTruth } from './ground-truth.ts';

const row = (label: string, value: string | number): string =>
  `${label.padEnd(40)} ${typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(2)) : value}`;
const title = (s: string, fill: string): string => {
  const left = Math.floor((50 - s.length) / 2);
  return `${fill.repeat(Math.max(0, left))}${s}${fill.repeat(Math.max(0, 50 - s.length - left))}`;
};

export function summaryText(
  m: BenchMetrics,
  o: { durationS: number; maxConcurrency: number | null; requestRate: number; simulated: boolean },
  truth: GroundTruth | null,
): string {
  const lines = [
    title(o.simulated ? ' Simulated Benchmark Result ' : ' Serving Benchmark Result ', '='),
    row('Successful requests:', m.completed),
    row('Failed requests:', m.failed),
  ];
  if (o.maxConcurrency !== null) lines.push(row('Maximum request concurrency:', o.maxConcurrency));
  if (o.requestRate !== Infinity) lines.push(row('Request rate configured (RPS):', o.requestRate.toFixed(2)));
  lines.push(
    row(o.simulated ? 'Benchmark duration (simulated s):' : 'Benchmark duration (s):', o.durationS.toFixed(2)),
    row('Total input tokens:', m.totalInput),
    row('Total generated tokens:', m.totalOutput),
    row('Request throughput (req/s):', m.requestThroughput.toFixed(2)),
    row('Output token throughput (tok/s):', m.outputThroughput.toFixed(2)),
    row('Peak output token throughput (tok/s):', m.maxOutputTokensPerS.toFixed(2)),
    row('Peak concurrent requests:', m.maxConcurrentRequests.toFixed(2)),
    row('Total token throughput (tok/s):', m.totalTokenThroughput.toFixed(2)),
  );
  const block = (name: 'ttft' | 'tpot' | 'itl' | 'e2el', short: string, header: string): void => {
    const s = m.stats[name];
    lines.push(title(header, '-'), row(`Mean ${short} (ms):`, s.mean.toFixed(2)), row(`Median ${short} (ms):`, s.median.toFixed(2)));
    for (const [p, v] of s.percentiles) lines.push(row(`P${p} ${short} (ms):`, v.toFixed(2)));
  };
  block('ttft', 'TTFT', 'Time to First Token');
  block('tpot', 'TPOT', 'Time per Output Token (excl. 1st token)');
  block('itl', 'ITL', 'Inter-token Latency');
  block('e2el', 'E2EL', 'End-to-end Latency');
  if (truth) {
    lines.push(
      title('Ground truth (llmsim trace)', '-'),
      row('Requests joined with the trace:', truth.joined),
      row('Lost (failed, no engine record):', truth.lost),
      row('Answered without an engine record:', truth.withoutEngineRecord),
      row('Duplicated (several engine records):', truth.duplicated),
      row('Retried (an earlier attempt aborted):', truth.retried),
      row('Added TTFT p50 / p99 (ms):', `${truth.addedTtftMs.p50.toFixed(2)} / ${truth.addedTtftMs.p99.toFixed(2)}`),
      row('Added E2EL p50 / p99 (ms):', `${truth.addedE2eMs.p50.toFixed(2)} / ${truth.addedE2eMs.p99.toFixed(2)}`),
      row('Prefix-cache hit rate:', `${(truth.prefixCacheHitRate * 100).toFixed(1)} %`),
    );
    const replicas = Object.entries(truth.replicas);
    if (replicas.length > 1) lines.push(row('Requests per replica:', replicas.map(([k, v]) => `${k}=${v}`).join(' ')));
    if (truth.engineItlMs) lines.push(row('Engine ITL p50 / p99 (ms, trace):', `${truth.engineItlMs.p50.toFixed(2)} / ${truth.engineItlMs.p99.toFixed(2)}`));
  }
  lines.push('='.repeat(50));
  return `${lines.join('\n')}\n`;
}
