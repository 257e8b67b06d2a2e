/**
 * `llmsim bench` against llmsim: vLLM's metrics and result JSON over HTTP, the ground-truth join with the trace, and
 * in virtual time (`--virtual-time`) the exact timeline `--simulate` computes in-process for the same workload.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { parseBenchArgs, type BenchOptions } from '../../src/loadgen/options.ts';
import { runBench } from '../../src/loadgen/command.ts';
import { readTrace, type TraceRecord } from '../../src/loadgen/ground-truth.ts';

const PROFILE = 'llama-3.1-8b-instruct-h100';
let sim: Simulator | null = null;
let dir = '';
afterEach(async () => {
  await sim?.close();
  sim = null;
  rmSync(dir, { recursive: true, force: true });
});

const workload = ['--num-prompts', '24', '--random-input-len', '300', '--random-output-len', '12', '--random-range-ratio', '0.5', '--ignore-eos', '--request-rate', '40', '--seed', '7', '--disable-tqdm'];

/** Engine timings relative to each request's arrival, by client id. */
const timings = (records: readonly TraceRecord[]): Map<string, [number, number]> =>
  new Map(records.map((r) => [r.request_id.replace(/^(chatcmpl-|cmpl-)/, ''), [(r.first_token as number) - r.arrival, r.finished - r.arrival]]));

describe('llmsim bench over HTTP', () => {
  it('virtual time: the HTTP run joins its trace one to one and reproduces --simulate exactly', async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmsim-bench-'));
    const trace = join(dir, 'trace.jsonl');
    sim = await startTestServer({ speedup: Infinity, profile: PROFILE, trace });
    const html = join(dir, 'report.html');
    const o = parseBenchArgs(['--base-url', sim.url, '--virtual-time', '--trace-file', trace, '--html-report', html, '--save-result', '--result-dir', dir, '--result-filename', 'r.json', ...workload]) as BenchOptions;
    const report = await runBench(o);
    expect(report.result['completed']).toBe(24);
    expect(report.result['failed']).toBe(0);
    expect(report.truth).toMatchObject({ joined: 24, lost: 0, withoutEngineRecord: 0, duplicated: 0, retried: 0 });
    const saved = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Record<string, unknown>;
    expect(saved['total_output_tokens']).toBe((saved['output_lens'] as number[]).reduce((a, b) => a + b, 0));
    expect(typeof saved['p99_ttft_ms']).toBe('number');
    expect(readFileSync(html, 'utf8')).toMatch(/<svg[^>]*>.*TTFT \(CDF\)/s);
    const simulated = await runBench(parseBenchArgs(['--simulate', '--profile', PROFILE, ...workload]) as BenchOptions);
    expect(simulated.truth?.joined).toBe(24);
    await sim.close();
    sim = null;
    const overHttp = timings(readTrace(trace));
    const inProcess = timings((simulated.result['llmsim_trace'] as TraceRecord[] | undefined) ?? []);
    expect(overHttp.size).toBe(24);
    expect(inProcess.size).toBe(24);
    for (const [id, [ttft, e2e]] of inProcess) {
      expect(overHttp.get(id)?.[0]).toBeCloseTo(ttft, 9);
      expect(overHttp.get(id)?.[1]).toBeCloseTo(e2e, 9);
    }
  });

  it('chat completions in scaled time: streamed TTFT/ITL measured, every request joined, nothing lost', async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmsim-bench-'));
    const trace = join(dir, 'trace.jsonl');
    sim = await startTestServer({ speedup: 50, profile: PROFILE, trace });
    const o = parseBenchArgs(['--base-url', sim.url, '--endpoint', '/v1/chat/completions', '--trace-file', trace, '--llmsim-speedup', '50', '--max-concurrency', '8', ...workload]) as BenchOptions;
    const report = await runBench(o);
    expect(report.result['completed']).toBe(24);
    // vLLM counts the role chunk as the first token: one gap per generated token after it.
    const lens = report.result['output_lens'] as number[];
    expect((report.result['itls'] as number[][]).map((l) => l.length)).toEqual(lens);
    expect(report.truth).toMatchObject({ joined: 24, lost: 0, duplicated: 0 });
    expect(report.summary).toContain('Ground truth (llmsim trace)');
  });
});
