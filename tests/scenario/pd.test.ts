import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer({ scenario: 'scenarios/pd-1p2d.yaml', port: 0, explicit: new Set(['port']) });
});
afterAll(() => sim.close());

const prompt = { messages: [{ role: 'user', content: 'word '.repeat(3000) }] };
const timeline = async (url: string): Promise<{ ttft: number; prefillTokens: number }> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const num = (re: RegExp): number => Number(re.exec(text)?.[1] ?? 0);
  return { ttft: num(/^vllm:time_to_first_token_seconds_sum\{[^}]*\} (\S+)$/m), prefillTokens: num(/^vllm:iteration_tokens_total_sum\{[^}]*\} (\S+)$/m) };
};

describe('P/D disaggregation (NIXL-style kv_transfer_params)', () => {
  it('runs prefill on one replica and decode on another, paying the KV transfer instead of the prefill', async () => {
    const [prefill, decode, plain] = sim.replicas as [Simulator['replicas'][number], Simulator['replicas'][number], Simulator['replicas'][number]];
    const p = await postRaw(`${prefill.url}/v1/chat/completions`, { ...prompt, max_tokens: 1, kv_transfer_params: { do_remote_decode: true } });
    expect(p.status).toBe(200);
    const params = JSON.parse(p.text).kv_transfer_params as Record<string, unknown>;
    expect(params).toMatchObject({
      do_remote_prefill: true,
      do_remote_decode: false,
      remote_engine_id: 'prefill-0-engine-0',
      remote_host: '127.0.0.1',
      remote_port: prefill.port,
      tp_size: 1,
    });
    expect((params['remote_block_ids'] as number[]).length).toBeGreaterThan(100);

    const d = await postRaw(`${decode.url}/v1/chat/completions`, { ...prompt, max_tokens: 20, ignore_eos: true, seed: 3, kv_transfer_params: params });
    const local = await postRaw(`${plain.url}/v1/chat/completions`, { ...prompt, max_tokens: 20, ignore_eos: true, seed: 3 });
    expect(JSON.parse(d.text).choices[0].message.content).toBe(JSON.parse(local.text).choices[0].message.content);
    expect(JSON.parse(d.text).kv_transfer_params).toBeNull();
    // The decode replica computed one prompt token per request instead of the whole prompt...
    const dm = await timeline(decode.url);
    const lm = await timeline(plain.url);
    expect(dm.prefillTokens).toBeLessThan(lm.prefillTokens - 2500);
    // ...and its TTFT is the transfer (≈ 3000 × 128 KiB / 25 GB/s ≈ 16 ms) instead of a 3000-token prefill.
    expect(dm.ttft).toBeLessThan(lm.ttft);
  });

  it('rejects inconsistent kv_transfer_params with a vLLM-style 400', async () => {
    const bad = async (params: unknown): Promise<string> => {
      const r = await postRaw(`${sim.replicas[1]!.url}/v1/chat/completions`, { ...prompt, kv_transfer_params: params });
      expect(r.status).toBe(400);
      return (JSON.parse(r.text) as { error: { message: string; param: string } }).error.message;
    };
    expect(await bad({ do_remote_prefill: true })).toBe(
      'kv_transfer_params with do_remote_prefill needs remote_engine_id, remote_block_ids, remote_host, remote_port (as returned by the prefill instance).',
    );
    expect(await bad({ do_remote_prefill: true, do_remote_decode: true })).toBe('kv_transfer_params cannot set both do_remote_decode and do_remote_prefill.');
    expect(await bad({ do_remote_prefill: true, remote_engine_id: 'x', remote_block_ids: 'nope', remote_host: 'h', remote_port: 1 })).toBe(
      'kv_transfer_params.remote_block_ids must be a list of block ids.',
    );
  });
});
