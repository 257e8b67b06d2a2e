import { describe, it, expect } from 'vitest';
import { computeMetrics, percentile, resultJson, type RequestOutput } from './metrics.ts';
import { arrivalOffsets, sampleRequests } from './dataset.ts';
import { parseBenchArgs, type BenchOptions } from './options.ts';

const out = (o: Partial<RequestOutput>): RequestOutput => ({
  requestId: 'r',
  success: true,
  error: '',
  promptLen: 10,
  outputTokens: 3,
  ttft: 0.1,
  itl: [0.02, 0.04],
  latency: 0.16,
  startTime: 0,
  queueTime: 0,
  generatedText: '',
  responseId: null,
  ...o,
});

describe('vLLM benchmark metrics', () => {
  it('percentiles interpolate linearly as numpy, and empty lists give 0', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 99)).toBeCloseTo(3.97, 12);
    expect(percentile([], 99)).toBe(0);
  });

  it('computes TTFT, TPOT ((E2EL - TTFT) / (n - 1)), ITL, E2EL, throughputs and peaks with vLLM definitions', () => {
    const outputs = [
      out({ startTime: 0 }),
      out({ startTime: 0.5, ttft: 0.3, itl: [0.1], outputTokens: 2, latency: 0.4 }),
      out({ success: false, outputTokens: 0, error: 'boom' }),
      out({ outputTokens: 1, itl: [], latency: 0.1 }),
    ];
    const m = computeMetrics(outputs, 2, [99]);
    expect([m.completed, m.failed, m.totalInput, m.totalOutput]).toEqual([3, 1, 30, 6]);
    expect(m.requestThroughput).toBe(1.5);
    expect(m.outputThroughput).toBe(3);
    expect(m.stats.ttft.mean).toBeCloseTo(((0.1 + 0.3 + 0.1) / 3) * 1000, 9);
    // TPOT only for requests of more than one token: (0.16 - 0.1) / 2 and (0.4 - 0.3) / 1.
    expect(m.stats.tpot.mean).toBeCloseTo(((0.03 + 0.1) / 2) * 1000, 9);
    expect(m.stats.itl.median).toBeCloseTo(0.04 * 1000, 9);
    expect(m.stats.e2el.std).toBeGreaterThan(0);
    expect(m.maxConcurrentRequests).toBe(2);
    const json = resultJson(m, outputs, 2, {});
    for (const key of [
      'duration',
      'completed',
      'failed',
      'total_input_tokens',
      'total_output_tokens',
      'request_throughput',
      'output_throughput',
      'total_token_throughput',
      'mean_ttft_ms',
      'median_ttft_ms',
      'p99_ttft_ms',
      'mean_tpot_ms',
      'p99_itl_ms',
      'median_e2el_ms',
      'ttfts',
      'itls',
      'errors',
    ]) {
      expect(json).toHaveProperty(key);
    }
    expect(json['output_lens']).toEqual([3, 2, 0, 1]);
  });
});

describe('workloads', () => {
  const opts = (args: string[]): BenchOptions => parseBenchArgs(['--simulate', ...args]) as BenchOptions;

  it('random: lengths in [L(1-r), L(1+r)], distinct prompts, same seed same workload', () => {
    const o = opts(['--num-prompts', '50', '--random-input-len', '100', '--random-output-len', '20', '--random-range-ratio', '0.5', '--seed', '3']);
    const a = sampleRequests(o);
    expect(a.every((r) => r.promptIds.length >= 50 && r.promptIds.length <= 150 && r.outputLen >= 10 && r.outputLen <= 30)).toBe(true);
    expect(new Set(a.map((r) => r.promptIds.slice(0, 16).join())).size).toBe(50);
    expect(sampleRequests(o)).toEqual(a);
    expect(a.map((r) => r.requestId).slice(0, 2)).toEqual(['bench-0', 'bench-1']);
  });

  it('prefix-repetition: N shared prefixes, each with its own suffixes', () => {
    const a = sampleRequests(
      opts([
        '--dataset-name',
        'prefix-repetition',
        '--num-prompts',
        '20',
        '--prefix-repetition-num-prefixes',
        '4',
        '--prefix-repetition-prefix-len',
        '32',
        '--prefix-repetition-suffix-len',
        '8',
      ]),
    );
    expect(a).toHaveLength(20);
    expect(new Set(a.map((r) => r.promptIds.slice(0, 32).join())).size).toBe(4);
    expect(new Set(a.map((r) => r.promptIds.join())).size).toBe(20);
  });

  it('sharegpt-synthetic keeps vLLM ShareGPT filters', () => {
    const a = sampleRequests(opts(['--dataset-name', 'sharegpt-synthetic', '--num-prompts', '200']));
    expect(a.every((r) => r.promptIds.length >= 4 && r.promptIds.length <= 1024 && r.outputLen >= 4 && r.promptIds.length + r.outputLen <= 2048)).toBe(true);
  });

  it('arrivals: all at once at rate inf; Poisson/gamma rescaled so the last one goes at N / rate', () => {
    expect(arrivalOffsets(3, Infinity, 1, 0)).toEqual([0, 0, 0]);
    for (const b of [1, 0.5, 4]) {
      const t = arrivalOffsets(100, 10, b, 1);
      expect(t[99]).toBeCloseTo(10, 9);
      expect(t.every((x, i) => i === 0 || x >= (t[i - 1] as number))).toBe(true);
    }
    expect(arrivalOffsets(4, 2, Infinity, 0)).toEqual([0.5, 1, 1.5, 2]);
  });

  it('refuses bad flags with one-line messages', () => {
    expect(() => parseBenchArgs(['--dataset-name', 'sonnet'])).toThrow(/--dataset-name must be/);
    expect(() => parseBenchArgs(['--request-rate', '0'])).toThrow(/--request-rate must be a positive number or 'inf'/);
    expect(() => parseBenchArgs(['--random-range-ratio', '1'])).toThrow(/in \[0, 1\)/);
    expect(() => parseBenchArgs(['--nope'])).toThrow(/Unknown option/);
  });
});
