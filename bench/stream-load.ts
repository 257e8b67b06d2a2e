/**
 * @module Closed-loop streaming load: keeps C chat streams open (re-opening each one as it ends) for D seconds and counts
 * SSE events and bytes. Optionally records each stream's first-event and inter-event times (client view) for fidelity.
 */
import { request, Agent } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface StreamLoadOptions {
  readonly url: string;
  readonly concurrency: number;
  readonly seconds: number;
  readonly maxTokens: number;
  /**
   * Spread stream lengths over maxTokens × [1 − s, 1 + s] (deterministic per stream), so streams that started
   * together do not all end, and reopen, in the same step.
   */
  readonly lengthSpread?: number;
  readonly rampSeconds?: number;
  /** Extra JSON body fields (e.g. ignore_eos). */
  readonly body?: Record<string, unknown>;
  /** The user message of stream `id` (default `stream <id>`): e.g. a new random-token prompt per stream. */
  readonly content?: (id: number) => string;
  readonly onStreamDone?: (timing: { requestId: string; sentAt: number; eventTimes: number[]; tokens: number; inWindow: boolean }) => void;
  /** Called when the measurement window opens (after the ramp). */
  readonly onWindowStart?: () => void;
}

export interface StreamLoadResult {
  /** Events received inside the measurement window (after the ramp, before the deadline). */
  readonly events: number;
  /** Length of the measurement window, seconds. */
  readonly window: number;
  readonly streams: number;
  readonly errors: number;
  readonly seconds: number;
}

export function runStreamLoad(o: StreamLoadOptions): Promise<StreamLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency + 16 });
  const target = new URL(`${o.url}/v1/chat/completions`);
  const spread = o.lengthSpread ?? 0;
  const lengthOf = (id: number): number => Math.max(1, Math.round(o.maxTokens * (1 - spread + 2 * spread * ((id * 0.6180339887498949) % 1))));
  const payload = (id: number): string =>
    JSON.stringify({
      model: 'Qwen/Qwen3-8B',
      messages: [{ role: 'user', content: o.content?.(id) ?? `stream ${id}` }],
      max_tokens: lengthOf(id),
      ignore_eos: true,
      stream: true,
      ...o.body,
    });
  let _events = 0;
  let windowEvents = 0;
  let streams = 0;
  let errors = 0;
  let counter = 0;
  const started = performance.now();
  const deadline = started + o.seconds * 1000;
  const ramp = (o.rampSeconds ?? 1) * 1000;
  const windowStart = started + ramp + 500;
  const inFlight = new Set<import('node:http').ClientRequest>();
  return new Promise((resolve) => {
    let active = 0;
    // At the deadline, abandon the streams still open (their events are outside the window anyway).
    setTimeout(
      () => {
        for (const r of inFlight) r.destroy();
      },
      o.seconds * 1000 + 200,
    );
    const finish = (): void => {
      if (active === 0) {
        agent.destroy();
        resolve({ events: windowEvents, window: (deadline - windowStart) / 1000, streams, errors, seconds: (performance.now() - started) / 1000 });
      }
    };
    const open = (): void => {
      if (performance.now() >= deadline) return finish();
      active++;
      const id = counter++;
      const requestId = `bench-${id}`;
      const sentAt = performance.now();
      const eventTimes: number[] = [];
      const req: import('node:http').ClientRequest = request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-request-id': requestId } },
        (res) => {
          res.setEncoding('utf8');
          res.on(
            'data',
            sseEvents((now) => {
              _events++;
              if (now >= windowStart && now < deadline) windowEvents++;
              eventTimes.push(now);
            }),
          );
          const done = (): void => {
            if (!inFlight.delete(req)) return;
            streams++;
            active--;
            o.onStreamDone?.({ requestId, sentAt, eventTimes, tokens: lengthOf(id), inWindow: sentAt >= windowStart });
            open();
          };
          res.on('end', done);
          res.on('close', done);
        },
      );
      inFlight.add(req);
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (!inFlight.delete(req)) return;
        if (performance.now() < deadline && errors++ === 0) process.stderr.write(`stream-load: first error: ${err.code ?? err.message}\n`);
        active--;
        setTimeout(open, 10);
      });
      req.end(payload(id));
    };
    for (let i = 0; i < o.concurrency; i++) setTimeout(open, (ramp * i) / o.concurrency);
    if (o.onWindowStart) setTimeout(o.onWindowStart, windowStart - started);
  });
}

/**
 * A `data` handler for an SSE body read as text: calls `onEvent(now)` once per complete `data: {...}` event (not
 * `[DONE]`), however the events are split across chunks. A JSON body never matches, so it counts 0 events.
 */
export function sseEvents(onEvent: (now: number) => void, now: () => number = () => performance.now()): (chunk: string) => void {
  let tail = '';
  return (chunk) => {
    const t = now();
    const parts = (tail + chunk).split('\n\n');
    tail = parts.pop() ?? '';
    for (const p of parts) if (p.startsWith('data: {')) onEvent(t);
  };
}
