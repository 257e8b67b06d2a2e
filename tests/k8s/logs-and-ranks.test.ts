import { describe, it, expect, afterAll, vi } from 'vitest';
import { Subscriber, Dealer } from 'zeromq';
import { decode } from '@msgpack/msgpack';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const started: Simulator[] = [];
const sockets: { close(): void }[] = [];
afterAll(async () => {
  for (const s of sockets) s.close();
  await Promise.all(started.map((s) => s.close()));
});

describe('per-rank KV events and request logs', () => {
  it('publishes each data-parallel rank on its own port, data_parallel_rank in the batch', async () => {
    const sim = await startTestServer({
      dataParallelSize: 2,
      kvEvents: {
        enable_kv_cache_events: true,
        publisher: 'zmq',
        endpoint: 'tcp://127.0.0.1:*',
        replay_endpoint: null,
        buffer_steps: 10,
        hwm: 100,
        max_queue_size: 100,
        topic: 'kv',
      },
    });
    started.push(sim);
    const endpoints = sim.replicas[0]!.kvEvents.map((k) => k.endpoint);
    expect(endpoints).toHaveLength(2);
    expect(new Set(endpoints).size).toBe(2);
    const sub = new Subscriber();
    sockets.push(sub);
    sub.connect(endpoints[1]!);
    sub.subscribe('');
    let frames: Buffer[] | null = null;
    for (let i = 0; i < 20 && !frames; i++) {
      const prompt = Array.from({ length: 33 }, (_, k) => 40_000 + i * 100 + k);
      expect((await postRaw(`${sim.url}/v1/completions`, { prompt, max_tokens: 1 }, { 'x-data-parallel-rank': '1' })).status).toBe(200);
      sub.receiveTimeout = 250;
      frames = await sub.receive().catch(() => null);
    }
    const [, , payload] = frames as Buffer[];
    const [, events, rank] = decode(payload!, { useBigInt64: true }) as [number, unknown[][], number];
    expect(rank).toBe(1);
    expect(events[0]![0]).toBe('BlockStored');
  });

  it('logs each request and each injected fault with --enable-log-requests', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const sim = await startTestServer({ logRequests: true });
      started.push(sim);
      const ok = await postRaw(`${sim.url}/v1/completions`, { prompt: 'hello', max_tokens: 2 });
      expect(ok.status).toBe(200);
      const _id = JSON.parse(ok.text).id as string;
      const faulted = await postRaw(`${sim.url}/v1/completions`, { prompt: 'hello', max_tokens: 2 }, { 'x-llmsim-fault': 'http_error; status=503' });
      expect(faulted.status).toBe(503);
    } finally {
      spy.mockRestore();
    }
    expect(lines.some((l) => /\[async_llm\.py:\d+\] Added request cmpl-[^:]*: prompt_tokens: \d+, n: 1, max_tokens: 2\./.test(l))).toBe(true);
    expect(lines.some((l) => /Finished request cmpl-\S+: cached_tokens: \d+, queued [\d.]+ s, TTFT [\d.]+ s, e2e [\d.]+ s\./.test(l))).toBe(true);
    expect(lines.some((l) => l.includes("Injected fault 'http_error' (replica-0)"))).toBe(true);
  });

  it("reports sleep's prefix-cache reset as AllBlocksCleared", async () => {
    const sim = await startTestServer({
      enableSleepMode: true,
      kvEvents: {
        enable_kv_cache_events: true,
        publisher: 'zmq',
        endpoint: 'tcp://127.0.0.1:*',
        replay_endpoint: 'tcp://127.0.0.1:*',
        buffer_steps: 10,
        hwm: 100,
        max_queue_size: 100,
        topic: 'kv',
      },
    });
    started.push(sim);
    const prompt = Array.from({ length: 40 }, (_, k) => 50_000 + k);
    expect((await postRaw(`${sim.url}/v1/completions`, { prompt, max_tokens: 1 })).status).toBe(200);
    expect((await fetch(`${sim.url}/sleep`, { method: 'POST' })).status).toBe(200);
    const dealer = new Dealer({ receiveTimeout: 5000 });
    sockets.push(dealer);
    dealer.connect(sim.replicas[0]!.kvEvents[0]!.replayEndpoint as string);
    await dealer.send(['', Buffer.alloc(8)]);
    const batches: unknown[][][] = [];
    for (;;) {
      const [, seq, payload] = (await dealer.receive()) as Buffer[];
      if (seq!.readBigInt64BE() === -1n) break;
      batches.push((decode(payload!, { useBigInt64: true }) as [number, unknown[][], number])[1]);
    }
    expect(batches.map((events) => events.map((e) => e[0]))).toEqual([['BlockStored'], ['AllBlocksCleared']]);
  });
});
