/**
 * `llmsim bench` against llmsim: vLLM's metrics and result JSON over HTTP, the ground-truth join with the trace, and
 * in virtual time (`--virtual-time`) the exact timeline `--simulate` computes in-process for the same workload.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, request } from 'node:http';
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

const workload = [
  '--num-prompts',
  '24',
  '--random-input-len',
  '300',
  '--random-output-len',
  '12',
  '--random-range-ratio',
  '0.5',
  '--ignore-eos',
  '--request-rate',
  '40',
  '--seed',
  '7',
  '--disable-tqdm',
];

const flat = (x: unknown): number[] => (x as unknown[]).flat() as number[];

/** Engine timings relative to each request's arrival, by client id. */
const timings = (records: readonly TraceRecord[]): Map<string, [number, number]> =>
  new Map(records.map((r) => [r.request_id.replace(/^(chatcmpl-|cmpl-)/, ''), [(r.first_token as number) - r.arrival, r.finished - r.arrival]]));

describe('llmsim bench over HTTP', () => {
  it('virtual time: the HTTP run joins its trace one to one and reproduces --simulate exactly', async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmsim-bench-'));
    const trace = join(dir, 'trace.jsonl');
    sim = await startTestServer({ speedup: Infinity, profile: PROFILE, trace, traceTokens: true });
    const html = join(dir, 'report.html');
    expect(sim.replicas).toHaveLength(1);
    const o = parseBenchArgs([
      '--base-url',
      sim.url,
      '--virtual-time',
      '--trace-file',
      trace,
      '--html-report',
      html,
      '--save-result',
      '--result-dir',
      dir,
      '--result-filename',
      'r.json',
      ...workload,
    ]) as BenchOptions;
    const report = await runBench(o);
    expect(report.result['completed']).toBe(24);
    expect(report.result['failed']).toBe(0);
    expect(report.truth).toMatchObject({ joined: 24, lost: 0, withoutEngineRecord: 0, duplicated: 0, retried: 0 });
    const saved = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Record<string, unknown>;
    expect(saved['total_output_tokens']).toBe((saved['output_lens'] as number[]).reduce((a, b) => a + b, 0));
    expect(typeof saved['p99_ttft_ms']).toBe('number');
    expect(readFileSync(html, 'utf8')).toMatch(/<svg[^>]*>.*TTFT \(CDF\)/s);
    const simulated = await runBench(parseBenchArgs(['--simulate', '--profile', PROFILE, ...workload]) as BenchOptions);
    // With per-token times in the trace, the virtual-time run reports simulated TTFT/ITL/E2EL: --simulate's, exactly.
    for (const key of ['ttfts', 'itls', 'latencies', 'output_lens'])
      expect(flat(report.result[key])).toEqual(flat(simulated.result[key]).map((x) => expect.closeTo(x, 9)));
    expect(report.result['mean_itl_ms']).toBeCloseTo(simulated.result['mean_itl_ms'] as number, 6);
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
    const o = parseBenchArgs([
      '--base-url',
      sim.url,
      '--endpoint',
      '/v1/chat/completions',
      '--trace-file',
      trace,
      '--llmsim-speedup',
      '50',
      '--max-concurrency',
      '8',
      ...workload,
    ]) as BenchOptions;
    const report = await runBench(o);
    expect(report.result['completed']).toBe(24);
    // vLLM counts the role chunk as the first token: one gap per generated token after it.
    const lens = report.result['output_lens'] as number[];
    expect((report.result['itls'] as number[][]).map((l) => l.length)).toEqual(lens);
    expect(report.truth).toMatchObject({ joined: 24, lost: 0, duplicated: 0 });
    expect(report.summary).toContain('Ground truth (llmsim trace)');
  });
});

describe('llmsim bench through a proxy in front of a fleet', () => {
  it('shows the spread over replicas, and requests a proxy retried (an aborted first attempt) or lost', async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmsim-bench-'));
    const trace = join(dir, 'trace.jsonl');
    sim = await startTestServer({ speedup: 5, profile: PROFILE, trace, replicas: 2 });
    const [a, b] = sim.replicas.map((r) => r.url) as [string, string];
    let n = 0;
    // Round robin; every 4th request is first sent to the other replica and abandoned once it streams (a retry),
    // and the 10th is answered 502 without reaching any engine (lost).
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const k = n++;
        if (k === 9) return void res.writeHead(502).end();
        const forward = (to: string, abandon: boolean): void => {
          const up = request(new URL(req.url ?? '/', to), { method: req.method, headers: req.headers }, (r) => {
            if (abandon) {
              r.once('data', () => {
                up.destroy();
                forward(to === a ? b : a, false);
              });
              return;
            }
            res.writeHead(r.statusCode ?? 500, r.headers);
            r.pipe(res);
          });
          up.on('error', () => {});
          up.end(Buffer.concat(chunks));
        };
        forward(k % 2 === 0 ? a : b, k % 4 === 3);
      });
    });
    await new Promise<void>((ready) => proxy.listen(0, '127.0.0.1', ready));
    const port = (proxy.address() as { port: number }).port;
    try {
      const o = parseBenchArgs([
        '--base-url',
        `http://127.0.0.1:${port}`,
        '--llmsim-url',
        a,
        '--trace-file',
        trace,
        '--llmsim-speedup',
        '5',
        '--dataset-name',
        'prefix-repetition',
        '--prefix-repetition-num-prefixes',
        '2',
        '--prefix-repetition-prefix-len',
        '64',
        '--prefix-repetition-suffix-len',
        '16',
        '--prefix-repetition-output-len',
        '32',
        '--num-prompts',
        '20',
        '--max-concurrency',
        '1',
        '--ignore-eos',
        '--disable-tqdm',
      ]) as BenchOptions;
      const report = await runBench(o);
      expect(report.result['failed']).toBe(1);
      expect(report.truth).toMatchObject({ joined: 19, lost: 1, duplicated: 5 });
      // An abandoned attempt is aborted in the engine unless it finished first (host timing decides which).
      expect(report.truth?.retried).toBeGreaterThanOrEqual(1);
      expect(report.truth?.retried).toBeLessThanOrEqual(5);
      expect(Object.keys(report.truth?.replicas ?? {}).sort()).toEqual(sim.replicas.map((r) => r.name).sort());
      expect(report.truth?.prefixCacheHitRate).toBeGreaterThan(0.3);
    } finally {
      proxy.closeAllConnections();
      await new Promise((done) => proxy.close(done));
    }
  });
});
