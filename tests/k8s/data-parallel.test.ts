import { describe, it, expect, afterAll } from 'vitest';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const started: Simulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

const chat = { messages: [{ role: 'user', content: 'which rank?' }], max_tokens: 4, ignore_eos: true };
const successByEngine = async (url: string): Promise<Record<string, number>> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^vllm:request_success_total\{engine="(\d+)",finished_reason="length",model_name="[^"]+"\} (\S+)$/gm))
    out[m[1]!] = Number(m[2]);
  return out;
};

describe('data parallelism (--data-parallel-size) and identity headers', () => {
  it('runs requests on the rank named by X-data-parallel-rank, else balances, with per-rank engine labels', async () => {
    const sim = await startTestServer({ dataParallelSize: 3, identityHeaders: true, pod: { name: 'vllm-decode-7c9f-0', namespace: 'llm-d' } });
    started.push(sim);
    const pinned = await postRaw(`${sim.url}/v1/chat/completions`, chat, { 'X-data-parallel-rank': '2' });
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('x-llmsim-dp-rank')).toBe('2');
    expect(pinned.headers.get('x-llmsim-replica')).toBe('replica-0');
    expect(pinned.headers.get('x-llmsim-pod')).toBe('vllm-decode-7c9f-0');
    expect(pinned.headers.get('x-llmsim-namespace')).toBe('llm-d');
    expect(await successByEngine(sim.url)).toEqual({ '0': 0, '1': 0, '2': 1 });

    // A burst without the header spreads over the idle ranks (vLLM's waiting*4+running score, ties rotated).
    const burst = await Promise.all(Array.from({ length: 6 }, () => postRaw(`${sim.url}/v1/chat/completions`, chat)));
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(burst.map((r) => r.headers.get('x-llmsim-dp-rank')).sort()).toEqual(['0', '0', '1', '1', '2', '2']);
    expect(await successByEngine(sim.url)).toEqual({ '0': 2, '1': 2, '2': 3 });

    // Streams carry the same headers (the SSE writer commits them).
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', defaultHeaders: { 'X-data-parallel-rank': '1' } });
    const { response } = await client.chat.completions.create({ model: 'Qwen/Qwen3-8B', stream: true, ...chat } as never).withResponse();
    expect(response.headers.get('x-llmsim-dp-rank')).toBe('1');
    expect(response.headers.get('x-llmsim-pod')).toBe('vllm-decode-7c9f-0');

    const gauges = await (await fetch(`${sim.url}/metrics`)).text();
    expect(gauges.match(/^vllm:num_requests_running\{engine="\d",model_name="Qwen\/Qwen3-8B"\} 0\.0$/gm)).toHaveLength(3);
    const health = await fetch(`${sim.url}/health`);
    expect(health.headers.get('x-llmsim-replica')).toBe('replica-0');
    expect(health.headers.get('x-llmsim-dp-rank')).toBe('0');
  });

  it('rejects a bad or out-of-range rank header with a 400 and leaves nothing behind', async () => {
    const sim = await startTestServer({ dataParallelSize: 2 });
    started.push(sim);
    const bad = await postRaw(`${sim.url}/v1/chat/completions`, chat, { 'X-data-parallel-rank': 'two' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.message).toBe("Invalid X-data-parallel-rank header: 'two' is not an integer.");
    const out = await postRaw(`${sim.url}/v1/completions`, { prompt: 'x', max_tokens: 1 }, { 'x-data-parallel-rank': '2' });
    expect(out.status).toBe(400);
    expect(JSON.parse(out.text).error.message).toBe('Requested DP rank 2 is out of range [0, 2).');
    expect(bad.headers.get('x-llmsim-dp-rank')).toBeNull();
    expect(await (await fetch(`${sim.url}/load`)).json()).toEqual({ server_load: 0 });
  });

  it("sleeps and wakes as vLLM's dev routes, refusing generation while asleep", async () => {
    const sim = await startTestServer({ enableSleepMode: true });
    started.push(sim);
    expect(await (await fetch(`${sim.url}/is_sleeping`)).json()).toEqual({ is_sleeping: false });
    expect((await fetch(`${sim.url}/sleep?level=1`, { method: 'POST' })).status).toBe(200);
    expect(await (await fetch(`${sim.url}/is_sleeping`)).json()).toEqual({ is_sleeping: true });
    const refused = await postRaw(`${sim.url}/v1/chat/completions`, chat);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text).error.message).toBe('The engine is sleeping; call POST /wake_up first.');
    expect((await fetch(`${sim.url}/sleep?level=3`, { method: 'POST' })).status).toBe(400);
    expect((await fetch(`${sim.url}/wake_up`, { method: 'POST' })).status).toBe(200);
    expect((await postRaw(`${sim.url}/v1/chat/completions`, chat)).status).toBe(200);
    const plain = await startTestServer({});
    started.push(plain);
    expect((await fetch(`${plain.url}/sleep`, { method: 'POST' })).status).toBe(404);
  });

  it('answers /health 503 and refuses generation during the simulated model load', async () => {
    const sim = await startTestServer({ modelLoadSeconds: 3600, speedup: 1 });
    started.push(sim);
    expect((await fetch(`${sim.url}/health`)).status).toBe(503);
    const refused = await postRaw(`${sim.url}/v1/completions`, { prompt: 'x', max_tokens: 1 });
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.text).error.message).toBe('The model is still loading; retry once /health returns 200.');
    expect((await fetch(`${sim.url}/v1/models`)).status).toBe(200);
  });
});
