import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

type Batch = [number, unknown[][], number];
const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
const complete = (url: string, prompt: number[]) => postRaw(`${url}/v1/completions`, { prompt, max_tokens: 1, ignore_eos: true });
const decodeBatch = (payload: Buffer): Batch => decode(payload, { useBigInt64: true }) as Batch;

/** The prefix-cache index a consumer (llm-d's precise scorer) builds from BlockStored/BlockRemoved events. */
function consumerIndex() {
  const keyOf = new Map<bigint, string>();
  return {
    apply(events: unknown[][]) {
      for (const e of events) {
        if (e[0] === 'BlockStored') {
          const [, hashes, parent, tokens, size] = e as [string, bigint[], bigint | null, number[], number];
          let key = parent === null ? '' : (keyOf.get(parent) as string);
          hashes.forEach((h, i) => {
            key += `|${tokens.slice(i * size, (i + 1) * size).join(',')}`;
            keyOf.set(h, key);
          });
        } else if (e[0] === 'BlockRemoved') for (const h of e[1] as bigint[]) keyOf.delete(h);
        else if (e[0] === 'AllBlocksCleared') keyOf.clear();
      }
    },
    /** Prompt tokens this consumer predicts the engine has cached (full blocks, at least one token left to compute). */
    cachedTokens(prompt: number[], size: number) {
      const keys = new Set(keyOf.values());
      let key = '';
      let n = 0;
      while ((n + 1) * size <= prompt.length - 1 && keys.has((key += `|${prompt.slice(n * size, (n + 1) * size).join(',')}`))) n++;
      return n * size;
    },
  };
}

describe('KV-cache events (--kv-events-config)', () => {
  it("publishes vLLM batches on a ZMQ PUB socket that a SUB decodes into the trace's cache hits", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmsim-kv-'));
    const trace = join(dir, 'trace.jsonl');
    const topic = 'kv@pod-0@Qwen/Qwen3-8B';
    const sim = await startTestServer({
      trace,
      kvEvents: {
        enable_kv_cache_events: true,
        publisher: 'zmq',
        endpoint: 'tcp://127.0.0.1:*',
        replay_endpoint: null,
        buffer_steps: 100,
        hwm: 1000,
        max_queue_size: 1000,
        topic,
      },
    });
    started.push(sim);
    const [kv] = sim.replicas[0]!.kvEvents;
    expect(kv?.endpoint).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const sub = new Subscriber({ receiveTimeout: 2000 });
    sockets.push(sub);
    sub.connect(kv!.endpoint);
    sub.subscribe('kv@');
    // ZeroMQ's slow joiner: batches published before the subscription reached the PUB socket are dropped, so a warm-up
    // request (its own tokens) is repeated until its batch arrives.
    let warm: Buffer[] | null = null;
    for (let i = 0; i < 20 && !warm; i++) {
      await complete(sim.url, range(90_000 + i * 100, 16 + 1));
      sub.receiveTimeout = 250;
      warm = await sub.receive().catch(() => null);
    }
    expect(warm).not.toBeNull();
    sub.receiveTimeout = 5000;
    const [t, seq, payload] = warm as [Buffer, Buffer, Buffer];
    expect(t.toString()).toBe(topic);
    expect(seq.length).toBe(8);
    let lastSeq = seq.readBigUInt64BE();
    const index = consumerIndex();
    index.apply(decodeBatch(payload)[1]);

    const a = range(1000, 64);
    const b = [...a.slice(0, 48), ...range(2000, 20)];
    const c = range(3000, 32);
    const predicted: number[] = [];
    for (const prompt of [a, b, c]) {
      predicted.push(index.cachedTokens(prompt, 16));
      expect((await complete(sim.url, prompt)).status).toBe(200);
      const [, s, p] = (await sub.receive()) as [Buffer, Buffer, Buffer];
      expect(s.readBigUInt64BE()).toBe(lastSeq + 1n);
      lastSeq = s.readBigUInt64BE();
      const [ts, events, rank] = decodeBatch(p);
      expect(typeof ts).toBe('number');
      expect(rank).toBe(0);
      index.apply(events);
      // One BlockStored per prompt: its new full blocks, chained to the cached prefix, vLLM's field order.
      expect(events).toHaveLength(1);
      const stored = events[0] as [string, bigint[], bigint | null, number[], number, null, string, null];
      expect(stored[0]).toBe('BlockStored');
      expect(stored.slice(4)).toEqual([16, null, 'GPU', null]);
      expect(stored[3]).toEqual(prompt.slice(stored[3].length === prompt.length ? 0 : 48, 64));
    }
    await sim.close();
    started.pop();
    const records = readFileSync(trace, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { cached_tokens: number; prompt_tokens: number });
    const cached = records.slice(-3).map((r) => r.cached_tokens);
    expect(cached).toEqual([0, 48, 0]);
    expect(predicted).toEqual(cached);
  });

  it('reports evictions as BlockRemoved and replays buffered batches on the ROUTER endpoint', async () => {
    const sim = await startTestServer({
      engine: { numGpuBlocksOverride: 6 },
      kvEvents: {
        enable_kv_cache_events: true,
        publisher: 'zmq',
        endpoint: 'tcp://127.0.0.1:*',
        replay_endpoint: 'tcp://127.0.0.1:*',
        buffer_steps: 100,
        hwm: 1000,
        max_queue_size: 1000,
        topic: 'kv',
      },
    });
    started.push(sim);
    // Three 4-block prompts through a 6-block cache: each evicts the one before.
    for (const base of [10_000, 20_000, 30_000]) expect((await complete(sim.url, range(base, 64))).status).toBe(200);
    // A DEALER talks to the ROUTER as vLLM's REQ client does (empty delimiter, then the start sequence), and can read
    // the stream of replies up to the end marker.
    const dealer = new Dealer({ receiveTimeout: 5000 });
    sockets.push(dealer);
    dealer.connect(sim.replicas[0]!.kvEvents[0]!.replayEndpoint as string);
    const start = Buffer.alloc(8);
    start.writeBigUInt64BE(1n);
    await dealer.send(['', start]);
    const replies: Buffer[][] = [];
    for (;;) {
      const [empty, ...frames] = (await dealer.receive()) as Buffer[];
      expect(empty!.length).toBe(0);
      replies.push(frames);
      if (frames[0]!.readBigInt64BE() === -1n) break;
    }
    expect(replies.at(-1)).toEqual([Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(0)]);
    const batches = replies.slice(0, -1).map(([s, p]) => ({ seq: s!.readBigUInt64BE(), events: decodeBatch(p!)[1] }));
    expect(batches.map((b) => b.seq)).toEqual([1n, 2n]);
    const removed = batches.flatMap((b) => b.events.filter((e) => e[0] === 'BlockRemoved'));
    expect(removed.length).toBeGreaterThan(0);
    expect(removed[0]).toEqual(['BlockRemoved', expect.any(Array), 'GPU']);
  });
});
