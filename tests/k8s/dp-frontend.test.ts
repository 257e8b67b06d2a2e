/**
 * @module The data-parallel ranks of one model share the API-server loops in front of them: `--api-server-count K`
 * gives K loops, and an unset count is the DP size (vLLM's serve.py since vllm-project/vllm#32525). Checked on the engine the server built, on its
 * virtual clock: a burst submitted at one simulated instant, and when each request reached a rank.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import type { RequestSummary } from '../../src/engine/types.ts';

const started: Simulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

// 10 ms of API-server loop per request, constant 5 ms steps: the hand-off times show the queue alone.
const dir = mkdtempSync(join(tmpdir(), 'llmsim-dpfe-'));
const profile = join(dir, 'fe.yaml');
writeFileSync(profile, 'name: fe\nfixed_step_ms: 5\noverheads:\n  frontend_request_ms: 10\n');

/** Submits `n` requests at the same simulated instant; returns when each reached its engine, after the burst began. */
async function burst(sim: Simulator, n: number): Promise<number[]> {
  const engine = sim.replicas[0]!.ctx.models[0]!.engine;
  const t0 = sim.clock.now();
  const done = Array.from(
    { length: n },
    (_, i) =>
      new Promise<RequestSummary>((resolve) => {
        engine.submit(
          { requestId: `r${i}`, promptTokenIds: [1, 2, 3, 4], sequences: [{ outputTokens: 2 }], priority: 0, maxTokens: 2 },
          { onTokens: () => {}, onFinished: resolve },
        );
      }),
  );
  return (await Promise.all(done)).map((s) => +((s.arrivalTime - t0) * 1000).toFixed(3)).sort((a, b) => a - b);
}

describe('front-end queue with data parallelism', () => {
  it('DP=2 with --api-server-count 1 shares one queue: the delays accumulate across both ranks', async () => {
    const sim = await startTestServer({ dataParallelSize: 2, apiServerCount: 1, profile });
    started.push(sim);
    expect(await burst(sim, 4)).toEqual([10, 20, 30, 40]);
    // Both ranks served the burst (the queue is shared, the engines are not; the rank is chosen at the hand-off).
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    const perEngine = [...text.matchAll(/^vllm:request_success_total\{engine="(\d+)",finished_reason="length",[^}]*\} (\S+)$/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(perEngine.map(([e]) => e)).toEqual(['0', '1']);
    expect(perEngine.every(([, n]) => (n as number) > 0) && perEngine.reduce((a, [, n]) => a + (n as number), 0)).toBe(4);
  });

  it('--api-server-count 2 splits the burst over two loops', async () => {
    const sim = await startTestServer({ dataParallelSize: 2, apiServerCount: 2, profile });
    started.push(sim);
    expect(await burst(sim, 4)).toEqual([10, 10, 20, 20]);
  });

  it('an unset --api-server-count is the DP size (two loops for DP=2)', async () => {
    const sim = await startTestServer({ dataParallelSize: 2, profile });
    started.push(sim);
    expect(await burst(sim, 4)).toEqual([10, 10, 20, 20]);
  });

  it('an unpinned request gets its rank when it leaves the front-end queue, by the load then (vLLM: add_request_async)', async () => {
    const sim = await startTestServer({ dataParallelSize: 2, apiServerCount: 1, profile });
    started.push(sim);
    // P (pinned to rank 0) reaches rank 0 at 10 ms; Q, queued behind it, is placed at 20 ms and sees rank 0 busy.
    // Chosen at arrival (both ranks idle, ties to rank 0) it would have joined P on rank 0.
    const chat = { model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'x' }], max_tokens: 8, ignore_eos: true };
    const [p, q] = await Promise.all([
      postRaw(`${sim.url}/v1/chat/completions`, chat, { 'X-data-parallel-rank': '0' }),
      postRaw(`${sim.url}/v1/chat/completions`, chat),
    ]);
    expect([p.status, q.status]).toEqual([200, 200]);
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    const perEngine = Object.fromEntries(
      [...text.matchAll(/^vllm:request_success_total\{engine="(\d+)",finished_reason="length",[^}]*\} (\S+)$/gm)].map((m) => [m[1], Number(m[2])]),
    );
    expect(perEngine).toEqual({ '0': 1, '1': 1 });
  });

  it('one rank, one loop: unchanged from the single-engine path', async () => {
    const sim = await startTestServer({ profile });
    started.push(sim);
    expect(await burst(sim, 3)).toEqual([10, 20, 30]);
  });
});
