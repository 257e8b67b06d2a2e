/**
 * @module The load patterns autocannon and bench/stream-load.ts do not cover: a closed loop of a few clients (light
 * load, where latencies are fractions of a millisecond and autocannon's whole-millisecond histogram says 0), and bursts
 * of simultaneous clients arriving together, then idle, on a fixed period (open loop: a late burst does not delay the
 * next). A request's latency is to its first SSE event when the answer streams (TTFT), to the end of the body otherwise.
 */
import { request, Agent } from 'node:http';
import { percentile } from '../src/loadgen/metrics.ts';
import { sseEvents } from './stream-load.ts';

export interface LoadStats {
  /** Requests answered 200 (the measured ones). */
  readonly requests: number;
  readonly errors: number;
  /** SSE events received (0 for non-streamed answers). */
  readonly events: number;
  /** From the first request sent to the last answer ended. */
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Bodies sent, warm-up included: more than the bodies given means some were sent twice. */
  readonly sent: number;
}

interface Exchange {
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly events: number;
}

/**
 * Hands out `bodies` in order. 'wrap': round and round (the baseline, which ignores the content); 'once': each body
 * once, then null (llmsim: a prompt sent twice would hit its prompt cache and flatter it).
 */
export function bodyCycle(bodies: readonly string[], mode: 'wrap' | 'once' = 'wrap'): BodyCycle {
  let i = 0;
  return {
    mode,
    size: bodies.length,
    next: () => (mode === 'once' && i >= bodies.length ? null : (bodies[i++ % bodies.length] as string)),
    get sent() {
      return i;
    },
  };
}

export interface BodyCycle {
  /** The next body, or null when a 'once' cycle is used up. */
  next(): string | null;
  readonly sent: number;
  readonly size: number;
  readonly mode: 'wrap' | 'once';
}

/** Send offsets (ms from the start) for `bursts` bursts of `size` requests each, one burst every `periodMs`. */
export function burstSchedule(bursts: number, size: number, periodMs: number): number[] {
  return Array.from({ length: bursts * size }, (_, i) => Math.floor(i / size) * periodMs);
}

/** p50/p99 (numpy's linear rule) and totals of a list of exchanges. */
export function summarize(exchanges: readonly Exchange[], seconds: number, sent: number): LoadStats {
  const ok = exchanges.filter((e) => e.ok);
  const sorted = ok.map((e) => e.latencyMs).sort((a, b) => a - b);
  return {
    requests: ok.length,
    errors: exchanges.length - ok.length,
    events: ok.reduce((n, e) => n + e.events, 0),
    seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    sent,
  };
}

function post(agent: Agent, url: URL, body: string, sentAt: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      let first = 0;
      let events = 0;
      res.setEncoding('utf8');
      res.on(
        'data',
        sseEvents((now) => {
          if (events++ === 0) first = now;
        }),
      );
      res.on('end', () => resolve({ ok: res.statusCode === 200, latencyMs: (first || performance.now()) - sentAt, events }));
      res.on('error', () => resolve({ ok: false, latencyMs: 0, events: 0 }));
    });
    req.on('error', () => resolve({ ok: false, latencyMs: 0, events: 0 }));
    // An answer that never comes is an error, not a measurement that never ends.
    req.setTimeout(30_000, () => req.destroy());
    req.end(body);
  });
}

const chatUrl = (base: string): URL => new URL(`${base}/v1/chat/completions`);

/** `concurrency` clients, each sending its next request when its last answer ends, for `seconds`. */
export async function closedLoop(base: string, concurrency: number, seconds: number, bodies: BodyCycle): Promise<LoadStats> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = chatUrl(base);
  const out: Exchange[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let body = bodies.next(); body !== null && performance.now() < deadline; body = bodies.next())
        out.push(await post(agent, url, body, performance.now()));
    }),
  );
  agent.destroy();
  return summarize(out, (performance.now() - started) / 1000, bodies.sent);
}

/**
 * Bursts on `burstSchedule`: each request's latency counts from its burst's start, so queueing inside a burst shows.
 * `agent` is kept by the caller across a warm-up call and the measured one, so the measured bursts reuse connections.
 * A used-up 'once' cycle leaves the rest of the schedule unsent, counted as errors.
 */
export async function bursts(base: string, agent: Agent, o: { bursts: number; size: number; periodMs: number }, bodies: BodyCycle): Promise<LoadStats> {
  const url = chatUrl(base);
  const started = performance.now();
  const waits = burstSchedule(o.bursts, o.size, o.periodMs).map(
    (at) =>
      new Promise<Exchange>((resolve) => {
        const send = (): void => {
          const body = bodies.next();
          if (body === null) resolve({ ok: false, latencyMs: 0, events: 0 });
          else void post(agent, url, body, started + at).then(resolve);
        };
        setTimeout(send, Math.max(0, started + at - performance.now()));
      }),
  );
  const out = await Promise.all(waits);
  return summarize(out, (performance.now() - started) / 1000, bodies.sent);
}
