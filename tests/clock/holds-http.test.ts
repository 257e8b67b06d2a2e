/**
 * Every way a request can end releases its clock hold: a leaked hold would freeze virtual time for every client.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { connect } from 'node:net';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer();
});
afterAll(async () => {
  await sim.close();
});

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
async function noHoldsLeft(): Promise<void> {
  while (sim.clock.openHolds() > 0) await turn();
}

/** A completion still runs to the end: simulated time is not frozen. */
async function clockRuns(): Promise<void> {
  const r = await postRaw(`${sim.url}/v1/completions`, { prompt: 'hello', max_tokens: 5, ignore_eos: true });
  expect(r.status).toBe(200);
  expect(sim.clock.openHolds()).toBe(0);
}

/** Sends raw bytes and hangs up after `until` is seen (or at once when it is empty). */
function rawThenHangUp(bytes: string, until = ''): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(sim.port, '127.0.0.1', () => {
      socket.write(bytes);
      if (until === '') socket.destroy();
    });
    let seen = '';
    socket.on('data', (d) => {
      seen += d.toString();
      if (until !== '' && seen.includes(until)) socket.destroy();
    });
    socket.on('close', () => resolve(seen));
  });
}

describe('clock holds over HTTP', () => {
  it('a client that hangs up halfway through its body releases its hold', async () => {
    await rawThenHangUp(`POST /v1/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"prompt": "hel`);
    await noHoldsLeft();
    await clockRuns();
  });

  it('a client that hangs up mid-stream, or before a non-streamed answer, releases its hold', async () => {
    const body = (stream: boolean): string => JSON.stringify({ prompt: 'hello', max_tokens: 500, ignore_eos: true, stream });
    const head = (b: string): string =>
      `POST /v1/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(b)}\r\n\r\n${b}`;
    await rawThenHangUp(head(body(true)), 'data:');
    await rawThenHangUp(head(body(false)));
    await noHoldsLeft();
    await clockRuns();
    expect(sim.ctx.models[0]!.engine.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('refused requests release their hold: bad JSON, validation errors, unknown routes, bad x-llmsim-arrival', async () => {
    expect((await postRaw(`${sim.url}/v1/completions`, '{"prompt": ')).status).toBe(400);
    expect((await postRaw(`${sim.url}/v1/chat/completions`, { messages: 'nope' })).status).toBe(400);
    expect((await postRaw(`${sim.url}/v1/nothing`, {})).status).toBe(404);
    for (const bad of ['soon', '-1', 'NaN', 'Infinity', '']) {
      const r = await postRaw(`${sim.url}/v1/completions`, { prompt: 'hi', max_tokens: 2 }, { 'x-llmsim-arrival': bad });
      expect(r.status).toBe(400);
      expect((JSON.parse(r.text) as { error: { message: string } }).error.message).toBe(
        `invalid x-llmsim-arrival header: expected simulated seconds (a finite number >= 0), got '${bad}'`,
      );
    }
    expect(sim.clock.openHolds()).toBe(0);
    await clockRuns();
  });

  it('an injected timeout waits on simulated time without holding the clock (no deadlock in virtual time)', async () => {
    const r = await postRaw(`${sim.url}/v1/completions`, { prompt: 'hi', max_tokens: 2 }, { 'x-llmsim-fault': 'timeout; duration=30' });
    expect(r.status).toBe(504);
    await clockRuns();
  });

  it('a stated arrival ahead of the clock enters the engine then; one behind it is taken as now', async () => {
    const now = sim.clock.now();
    const ahead = await postRaw(`${sim.url}/v1/completions`, { prompt: 'hi', max_tokens: 2, ignore_eos: true }, { 'x-llmsim-arrival': String(now + 100) });
    expect(ahead.status).toBe(200);
    expect(sim.clock.now()).toBeGreaterThan(now + 100);
    const behind = await postRaw(`${sim.url}/v1/completions`, { prompt: 'hi', max_tokens: 2, ignore_eos: true }, { 'x-llmsim-arrival': '0' });
    expect(behind.status).toBe(200);
  });

  it('POST /admin/clock/hold freezes virtual time until the client closes the connection', async () => {
    const abort = new AbortController();
    const res = await fetch(`${sim.url}/admin/clock/hold`, { method: 'POST', signal: abort.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = JSON.parse(new TextDecoder().decode((await reader.read()).value)) as { held_at: number };
    expect(first.held_at).toBe(sim.clock.now());
    const pending = postRaw(`${sim.url}/v1/completions`, { prompt: 'hi', max_tokens: 3, ignore_eos: true });
    while (((await (await fetch(`${sim.url}/load`)).json()) as { server_load: number }).server_load < 1) await turn();
    for (let i = 0; i < 20; i++) await turn();
    expect(sim.clock.now()).toBe(first.held_at);
    abort.abort();
    expect((await pending).status).toBe(200);
    expect(sim.clock.now()).toBeGreaterThan(first.held_at);
    await noHoldsLeft();
  });
});
