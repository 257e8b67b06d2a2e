import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
const M = 'Qwen/Qwen3-8B';
beforeAll(async () => {
  sim = await startTestServer({ profile: 'llama-3.1-8b-instruct-h100' });
});
afterAll(() => sim.close());

const scrape = async (): Promise<string> => {
  const res = await fetch(`${sim.url}/metrics`);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return res.text();
};
const value = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  if (!line) throw new Error(`no series ${series}`);
  return Number(line.split(' ').pop());
};
const L = `{engine="0",model_name="${M}"}`;

describe('GET /metrics', () => {
  it('exposes every vLLM series at zero before the first request, labels sorted like prometheus_client', async () => {
    const text = await scrape();
    for (const name of [
      'vllm:num_requests_running',
      'vllm:num_requests_waiting',
      'vllm:kv_cache_usage_perc',
      'vllm:prompt_tokens_total',
      'vllm:generation_tokens_total',
      'vllm:num_preemptions_total',
      'vllm:prefix_cache_queries_total',
      'vllm:prefix_cache_hits_total',
    ]) {
      expect(value(text, `${name}${L}`)).toBe(0);
    }
    for (const reason of ['stop', 'length', 'abort', 'error'])
      expect(value(text, `vllm:request_success_total{engine="0",finished_reason="${reason}",model_name="${M}"}`)).toBe(0);
    expect(text).toContain(`vllm:time_to_first_token_seconds_bucket{engine="0",le="0.001",model_name="${M}"} 0.0`);
    expect(text).toContain(`vllm:e2e_request_latency_seconds_bucket{engine="0",le="7680.0",model_name="${M}"} 0.0`);
    expect(text).toContain('# TYPE vllm:iteration_tokens_total histogram');
    expect(text).toMatch(/vllm:cache_config_info\{block_size="16",.*enable_prefix_caching="True",.*num_gpu_blocks="\d+"/);
    expect(text).toContain('# TYPE llmsim:scheduler_lag_seconds histogram');
    expect(text).toContain('# TYPE llmsim:step_delivery_lag_seconds histogram');
    expect(text).toContain('llmsim:faults_injected_total{kind="truncate"} 0.0');
  });

  it('observes scheduler and delivery lag once per engine step, once the chunks before them are written', async () => {
    const count = (text: string, name = 'scheduler_lag'): number => Number(new RegExp(`^llmsim:${name}_seconds_count (\\S+)$`, 'm').exec(text)?.[1]);
    const scrapedBefore = await scrape();
    const before = count(scrapedBefore);
    const deliveryBefore = count(scrapedBefore, 'step_delivery_lag');
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'lag' }], max_tokens: 6, ignore_eos: true, stream: true }),
    });
    expect((await res.text()).endsWith('data: [DONE]\n\n')).toBe(true);
    // One prefill step and five decode steps, each observed once its chunks have left (virtual time: zero lag).
    const after = await scrape();
    expect(count(after) - before).toBe(6);
    expect(count(after, 'step_delivery_lag') - deliveryBefore).toBe(6);
    expect(Number(/^llmsim:scheduler_lag_seconds_bucket\{le="0.0001"\} (\S+)$/m.exec(after)?.[1])).toBe(count(after));
    expect(Number(/^llmsim:step_delivery_lag_seconds_bucket\{le="0.0001"\} (\S+)$/m.exec(after)?.[1])).toBe(count(after, 'step_delivery_lag'));
  });

  it('counts what the engine did, consistently with usage', async () => {
    const before = await scrape();
    const bodies = await Promise.all(
      [8, 12, 20].map(
        async (n) =>
          JSON.parse(
            (await postRaw(`${sim.url}/v1/chat/completions`, { messages: [{ role: 'user', content: `count ${n}` }], max_tokens: n, ignore_eos: true })).text,
          ) as { usage: { prompt_tokens: number; completion_tokens: number } },
      ),
    );
    const after = await scrape();
    const delta = (series: string): number => value(after, series) - value(before, series);
    expect(delta(`vllm:generation_tokens_total${L}`)).toBe(40);
    expect(delta(`vllm:prompt_tokens_total${L}`)).toBe(bodies.reduce((s, b) => s + b.usage.prompt_tokens, 0));
    expect(delta(`vllm:request_success_total{engine="0",finished_reason="length",model_name="${M}"}`)).toBe(3);
    expect(delta(`vllm:time_to_first_token_seconds_count${L}`)).toBe(3);
    expect(delta(`vllm:inter_token_latency_seconds_count${L}`)).toBe(37);
    expect(delta(`vllm:request_generation_tokens_sum${L}`)).toBe(40);
    // Simulated time: TTFT includes the profile's front-end delay (12 ms for vLLM >= 0.9, src/timing/releases.ts).
    expect(delta(`vllm:time_to_first_token_seconds_sum${L}`) / 3).toBeGreaterThan(0.012);
    expect(value(after, `vllm:num_requests_running${L}`)).toBe(0);
  });

  it('histogram buckets are cumulative and end at the count', async () => {
    const text = await scrape();
    const buckets = text
      .split('\n')
      .filter((l) => l.startsWith('vllm:inter_token_latency_seconds_bucket'))
      .map((l) => Number(l.split(' ').pop()));
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]).toBeGreaterThanOrEqual(buckets[i - 1]!);
    expect(buckets[buckets.length - 1]).toBe(value(text, `vllm:inter_token_latency_seconds_count${L}`));
  });

  it('parses with promtool when it is installed (only naming lint, which is vLLM’s own)', async () => {
    if (!existsSync('/usr/bin/promtool')) return;
    const text = await scrape();
    let output = '';
    try {
      execFileSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      output = `${(err as { stdout?: Buffer }).stdout ?? ''}${(err as { stderr?: Buffer }).stderr ?? ''}`;
      expect((err as { status?: number }).status).toBe(3);
    }
    const problems = output
      .split('\n')
      .filter((l) => l.trim() && !/metric names should not contain ':'|non-counter metrics should not have "_total" suffix/.test(l));
    expect(problems).toEqual([]);
  });
});
