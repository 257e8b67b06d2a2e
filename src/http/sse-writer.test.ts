/**
 * The stream writer's end-of-stream timing: an end leaves in the shared flush (after the step's callback), in one write
 * with the frames queued in the same turn; a first chunk still leaves at once.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Context } from 'hono';
import { openStream, whenFlushed, type StreamWriter } from './sse-writer.ts';

let server: Server | null = null;
afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

/** A minimal Hono-like context over a real Node response: what openStream reads from it. */
const contextOf = (req: IncomingMessage, res: ServerResponse): Context =>
  ({ env: { incoming: req, outgoing: res }, get: () => undefined }) as unknown as Context;

/** Serves one stream with `handler`, returns the raw response bytes a raw socket client reads until the zero chunk. */
async function serve(handler: (writer: StreamWriter, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    const { writer } = openStream(contextOf(req, res), { contentType: 'text/event-stream', onDisconnect: () => {} });
    handler(writer, res);
  });
  await new Promise<void>((done) => (server as Server).listen(0, '127.0.0.1', done));
  const { port } = (server as Server).address() as { port: number };
  const socket = connect(port, '127.0.0.1');
  socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (text.endsWith('\r\n0\r\n\r\n')) {
        socket.destroy();
        resolve(text.slice(text.indexOf('\r\n\r\n') + 4));
      }
    });
  });
}

describe('stream writer end', () => {
  it('defers an end to the flush of the frames queued this turn, and writes them together', async () => {
    let endedInCallback: boolean | null = null;
    let endedAfterFlush: boolean | null = null;
    const body = await serve((writer, res) => {
      writer.write('data: a\n\n');
      writer.write('data: b\n\n');
      writer.end('data: [DONE]\n\n');
      endedInCallback = res.writableEnded;
      expect(writer.closed).toBe(true);
      // Writes after the end are ignored, even before it reaches the socket.
      writer.write('data: late\n\n');
      void whenFlushed()?.then(() => (endedAfterFlush = res.writableEnded));
    });
    expect(endedInCallback).toBe(false);
    expect(endedAfterFlush).toBe(true);
    const frames = 'data: a\n\ndata: b\n\ndata: [DONE]\n\n';
    expect(body).toBe(`${Buffer.byteLength(frames).toString(16)}\r\n${frames}\r\n0\r\n\r\n`);
  });

  it('defers an end with nothing queued too, after a first chunk that was written at once', async () => {
    let firstOut: boolean | null = null;
    let ended: boolean | null = null;
    const body = await serve((writer, res) => {
      writer.write('data: first\n\n', true);
      firstOut = res.socket?.bytesWritten !== undefined && res.socket.bytesWritten > 0;
      writer.end('data: [DONE]\n\n');
      ended = res.writableEnded;
    });
    expect(firstOut).toBe(true);
    expect(ended).toBe(false);
    const chunk = (data: string): string => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;
    expect(body).toBe(`${chunk('data: first\n\n')}${chunk('data: [DONE]\n\n')}0\r\n\r\n`);
  });

  it('drops a deferred end quietly when the client has gone before the flush', async () => {
    let disconnects = 0;
    let flushed: () => void = () => {};
    const done = new Promise<void>((resolve) => (flushed = resolve));
    server = createServer((req, res) => {
      const { writer } = openStream(contextOf(req, res), { contentType: 'text/event-stream', onDisconnect: () => disconnects++ });
      writer.write('data: a\n\n');
      writer.end('data: [DONE]\n\n');
      // The socket dies between the end and the flush: nothing may throw, and no disconnect is reported (it ended).
      res.socket?.destroy();
      void (whenFlushed() ?? Promise.resolve()).then(flushed);
    });
    await new Promise<void>((ready) => (server as Server).listen(0, '127.0.0.1', ready));
    const { port } = (server as Server).address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(disconnects).toBe(0);
    socket.destroy();
  });
});
