/**
 * @module A closed-loop streaming client on raw keep-alive sockets, for timing measurements. It writes each request as
 * one packet and only looks for two things in what comes back: the first `data: {` (first token) and the end of the
 * chunked body. Node's http client parses every chunk and emits events for it; at tens of thousands of events per
 * second its own event-loop delay becomes part of every latency it reports, so fidelity is measured with this one.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LeanStreamTiming {
  readonly requestId: string;
  readonly tokens: number;
  /** performance.now() ms: request written, first token chunk seen, last token chunk seen, token chunks counted. */
  readonly sentAt: number;
  readonly firstAt: number;
  readonly lastAt: number;
  readonly tokenEvents: number;
  readonly inWindow: boolean;
}

export interface LeanLoadOptions {
  readonly port: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly maxTokens: number;
  /** Spread stream lengths over maxTokens × [1 − s, 1 + s], deterministically per stream. */
  readonly lengthSpread?: number;
  readonly rampSeconds?: number;
  readonly onWindowStart?: () => void;
  readonly onStreamDone: (timing: LeanStreamTiming) => void;
}

const END = '\r\n0\r\n\r\n';

/** Runs the load and resolves with the events counted inside the window (after ramp + 0.5 s) per second. */
export function runLeanLoad(o: LeanLoadOptions): Promise<{ eventsPerSecond: number }> {
  const spread = o.lengthSpread ?? 0;
  const lengthOf = (id: number): number => Math.max(1, Math.round(o.maxTokens * (1 - spread + 2 * spread * ((id * 0.6180339887498949) % 1))));
  const started = performance.now();
  const ramp = (o.rampSeconds ?? 1) * 1000;
  const windowStart = started + ramp + 500;
  const deadline = started + o.seconds * 1000;
  let counter = 0;
  let windowEvents = 0;
  let active = 0;
  const sockets = new Set<Socket>();
  return new Promise((resolve) => {
    const finish = (): void => {
      if (active > 0) return;
      resolve({ eventsPerSecond: windowEvents / ((deadline - windowStart) / 1000) });
    };
    const run = (socket: Socket): void => {
      if (performance.now() >= deadline) {
        socket.destroy();
        return;
      }
      const id = counter++;
      const tokens = lengthOf(id);
      const requestId = `lean-${id}`;
      const body = JSON.stringify({
        model: 'Qwen/Qwen3-8B',
        messages: [{ role: 'user', content: `stream ${id}` }],
        max_tokens: tokens,
        ignore_eos: true,
        stream: true,
      });
      let text = '';
      let tail = '';
      let firstAt = 0;
      let lastAt = 0;
      let tokenEvents = 0;
      const onData = (d: Buffer): void => {
        const now = performance.now();
        const chunk = d.toString('latin1');
        // Token chunks are the `data: {` events after the role chunk (which arrives with the first token). The last
        // six characters of the previous read are searched again, for an event split across two reads.
        const seen = tail + chunk;
        tail = seen.slice(-6);
        let events = 0;
        for (let at = seen.indexOf('data: {'); at >= 0; at = seen.indexOf('data: {', at + 7)) events++;
        if (events > 0) {
          if (firstAt === 0) firstAt = now;
          lastAt = now;
          tokenEvents += events;
          if (now >= windowStart && now < deadline) windowEvents += events;
        }
        text = (text + chunk).slice(-END.length);
        if (!text.endsWith(END)) return;
        socket.off('data', onData);
        o.onStreamDone({ requestId, tokens, sentAt, firstAt, lastAt, tokenEvents: tokenEvents - 1, inWindow: sentAt >= windowStart });
        run(socket);
      };
      socket.on('data', onData);
      const sentAt = performance.now();
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nx-request-id: ${requestId}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    };
    const open = (): void => {
      active++;
      const socket = connect(o.port, '127.0.0.1');
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.once('connect', () => run(socket));
      socket.once('close', () => {
        sockets.delete(socket);
        active--;
        finish();
      });
      socket.on('error', () => {});
    };
    for (let i = 0; i < o.concurrency; i++) setTimeout(open, (ramp * i) / o.concurrency);
    if (o.onWindowStart) setTimeout(o.onWindowStart, windowStart - started);
    // Streams still open at the deadline are abandoned (their events are outside the window anyway).
    setTimeout(
      () => {
        for (const s of sockets) s.destroy();
      },
      o.seconds * 1000 + 200,
    );
  });
}
