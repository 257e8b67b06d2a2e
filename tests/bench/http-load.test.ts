/** Pure pieces of the bench load drivers (bench/http-load.ts, bench/stream-load.ts), and one burst over loopback. */
import { describe, it, expect, afterEach } from 'vitest';
import { createServer, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { burstSchedule, bodyCycle, summarize, bursts } from '../../bench/http-load.ts';
import { sseEvents } from '../../bench/stream-load.ts';

describe('burstSchedule', () => {
  it('sends each burst of `size` at the same offset, one burst every period', () => {
    expect(burstSchedule(3, 2, 100)).toEqual([0, 0, 100, 100, 200, 200]);
  });
  it('is empty for no bursts or empty bursts', () => {
    expect(burstSchedule(0, 200, 1000)).toEqual([]);
    expect(burstSchedule(4, 0, 1000)).toEqual([]);
  });
});

describe('bodyCycle', () => {
  it('hands out the bodies in order, wraps around, and counts what it handed out', () => {
    const c = bodyCycle(['a', 'b']);
    expect([c.next(), c.next(), c.next()]).toEqual(['a', 'b', 'a']);
    expect(c.sent).toBe(3);
    expect(c.size).toBe(2);
  });
  it("'once' hands out each body once, then null, and counts only what it handed out", () => {
    const c = bodyCycle(['a', 'b'], 'once');
    expect([c.next(), c.next(), c.next(), c.next()]).toEqual(['a', 'b', null, null]);
    expect(c.sent).toBe(2);
  });
});

describe('summarize', () => {
  it('takes percentiles over the answered requests only and counts the rest as errors', () => {
    const ex = [10, 20, 30, 40, 50].map((latencyMs) => ({ ok: true, latencyMs, events: 2 }));
    const s = summarize([...ex, { ok: false, latencyMs: 0, events: 0 }], 2, 6);
    expect(s).toMatchObject({ requests: 5, errors: 1, events: 10, seconds: 2, sent: 6, p50Ms: 30 });
    expect(s.p99Ms).toBeCloseTo(49.6, 9);
  });
  it('reports zeros, not NaN, when nothing was answered', () => {
    expect(summarize([], 1, 0)).toMatchObject({ requests: 0, p50Ms: 0, p99Ms: 0 });
  });
});

describe('sseEvents', () => {
  it('counts data events split across chunks, not [DONE] and not a JSON body', () => {
    let n = 0;
    const feed = sseEvents(
      () => n++,
      () => 0,
    );
    for (const chunk of ['data: {"a":1}\n', '\ndata: {"b"', ':2}\n\ndata: [DONE]\n\n']) feed(chunk);
    expect(n).toBe(2);
    const json = sseEvents(
      () => n++,
      () => 0,
    );
    json('{"id":"chatcmpl-1","choices":[]}');
    expect(n).toBe(2);
  });
});

describe('bursts over loopback', () => {
  let server: Server | null = null;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  const sse = (): Server =>
    createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: {"x":1}\n\n'));
    });
  const listen = async (s: Server): Promise<string> => {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };

  it('leaves the rest of the schedule unsent, as errors, when a once cycle runs out', async () => {
    server = sse();
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const s = await bursts(await listen(server), agent, { bursts: 2, size: 2, periodMs: 0 }, bodyCycle(['a', 'b', 'c'], 'once'));
    agent.destroy();
    expect(s).toMatchObject({ requests: 3, errors: 1, events: 3, sent: 3 });
  });

  it('sends every request of every burst with its body and measures streamed answers to the first event', async () => {
    const seen: string[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(body);
        if (body === 'bad') return void res.writeHead(500).end();
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: {"x":1}\n\ndata: {"x":2}\n\ndata: [DONE]\n\n');
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const s = await bursts(url, agent, { bursts: 3, size: 4, periodMs: 0 }, bodyCycle(['a', 'b', 'c', 'bad', 'd', 'e']));
    agent.destroy();
    expect(seen.sort()).toEqual(['a', 'a', 'b', 'b', 'bad', 'bad', 'c', 'c', 'd', 'd', 'e', 'e']);
    expect(s).toMatchObject({ requests: 10, errors: 2, events: 20, sent: 12 });
    expect(s.p99Ms).toBeGreaterThan(0);
  });
});
