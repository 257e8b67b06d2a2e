/**
 * Streams are framed as HTTP/1.1 chunks by llmsim itself (one socket write per chunk): the raw bytes must be valid
 * chunked encoding, end with the zero chunk, leave the connection reusable, and fall back to Node's own framing where
 * chunking does not apply (HTTP/1.0).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect, type Socket } from 'node:net';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { whenFlushed } from '../../src/http/sse-writer.ts';

let sim: Simulator;
/** Real clock, 500x: steps land in separate event-loop turns, so a stream is many chunks (virtual time coalesces). */
let fast: Simulator;
beforeAll(async () => {
  [sim, fast] = await Promise.all([startTestServer(), startTestServer({ speedup: 500 })]);
});
afterAll(() => Promise.all([sim.close(), fast.close()]));

const body = JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'Count to ten.' }], max_tokens: 30, stream: true, seed: 3 });
const request = (version: string, extra = ''): string =>
  `POST /v1/chat/completions ${version}\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/** Reads from `socket` until `done(bytes so far)` holds (or the socket ends). */
function readUntil(socket: Socket, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString('latin1');
      if (done(text)) finish();
    };
    const finish = (): void => {
      socket.off('data', onData);
      socket.off('end', finish);
      resolve(text);
    };
    socket.on('data', onData);
    socket.once('end', finish);
    socket.once('error', reject);
  });
}

/** Decodes a chunked body strictly: every size line must match its data exactly. */
function dechunk(raw: string): { body: string; chunks: number } {
  let at = 0;
  let out = '';
  let chunks = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    expect(eol).toBeGreaterThan(at);
    const size = Number.parseInt(raw.slice(at, eol), 16);
    expect(raw.slice(at, eol)).toMatch(/^[0-9a-f]+$/);
    const data = Buffer.from(raw.slice(eol + 2), 'latin1')
      .subarray(0, size)
      .toString('latin1');
    const next = eol + 2 + data.length;
    expect(raw.slice(next, next + 2)).toBe('\r\n');
    if (size === 0) {
      expect(next + 2).toBe(raw.length);
      return { body: Buffer.from(out, 'latin1').toString('utf8'), chunks };
    }
    out += data;
    chunks++;
    at = next + 2;
  }
}

describe('HTTP chunked framing of streams', () => {
  it('writes valid chunks ending with the zero chunk, and keeps the connection usable', async () => {
    const expected = (await postRaw(`${fast.url}/v1/chat/completions`, body)).text;
    const socket = connect(fast.port, '127.0.0.1');
    for (let round = 0; round < 2; round++) {
      socket.write(request('HTTP/1.1'));
      const raw = await readUntil(socket, (t) => t.endsWith('\r\n0\r\n\r\n'));
      const split = raw.indexOf('\r\n\r\n');
      const head = raw.slice(0, split);
      expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(head.toLowerCase()).toContain('transfer-encoding: chunked');
      const { body: decoded, chunks } = dechunk(raw.slice(split + 4));
      // Real clock: `created` is wall time and may tick between the two requests.
      // Identical requests differ only in `created` and their per-request id.
      const uncreated = (t: string): string => t.replace(/"created":\d+/g, '"created":0').replace(/"id":"chatcmpl-[0-9a-f]{32}"/g, '"id":"ID"');
      expect(uncreated(decoded)).toBe(uncreated(expected));
      expect(chunks).toBeGreaterThan(1);
    }
    socket.destroy();
  });

  it('falls back to an unchunked body closed by the server for HTTP/1.0', async () => {
    const expected = (await postRaw(`${sim.url}/v1/chat/completions`, body)).text;
    const socket = connect(sim.port, '127.0.0.1');
    socket.write(request('HTTP/1.0'));
    const raw = await readUntil(socket, () => false);
    const split = raw.indexOf('\r\n\r\n');
    expect(raw.slice(0, split).toLowerCase()).not.toContain('transfer-encoding');
    const unid = (t: string): string => t.replace(/"id":"chatcmpl-[0-9a-f]{32}"/g, '"id":"ID"');
    expect(unid(Buffer.from(raw.slice(split + 4), 'latin1').toString('utf8'))).toBe(unid(expected));
  });

  it('serves requests that arrive while a sliced flush is still being written, and leaves nothing queued', async () => {
    // 80 streams make each step's flush several slices (24 sockets each): requests arriving meanwhile wait for it.
    const streamBody = (i: number) => ({ messages: [{ role: 'user', content: `flush ${i}` }], max_tokens: 40, ignore_eos: true, stream: true });
    const streams = Array.from({ length: 80 }, (_, i) => postRaw(`${fast.url}/v1/chat/completions`, streamBody(i)));
    const during = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        postRaw(`${fast.url}/v1/chat/completions`, { messages: [{ role: 'user', content: `during ${i}` }], max_tokens: 5, ignore_eos: true }),
      ),
    );
    for (const r of during) expect((JSON.parse(r.text) as { usage: { completion_tokens: number } }).usage.completion_tokens).toBe(5);
    for (const r of await Promise.all(streams)) {
      expect(r.status).toBe(200);
      expect(r.text.match(/"content":/g)?.length).toBeGreaterThanOrEqual(40);
      expect(r.text.endsWith('data: [DONE]\n\n')).toBe(true);
    }
    expect(whenFlushed()).toBeNull();
  });
});
