/**
 * Ollama answers as real clients find them (issue 15): bodies read whatever the Content-Type (`curl -d`), the "load"
 * answer to a request with nothing to generate, and `created_at` that never runs backwards.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Ollama } from 'ollama';
import { startTestServer } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import type { ServerContext } from '../../src/serving/context.ts';
import { createdAt } from '../../src/dialects/ollama/model.ts';

let sim: Simulator;
let ollama: Ollama;
const M = 'Qwen/Qwen3-8B';

beforeAll(async () => {
  sim = await startTestServer();
  ollama = new Ollama({ host: sim.url });
});
afterAll(() => sim.close());

async function post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('Ollama reads JSON bodies whatever their Content-Type', () => {
  const body = JSON.stringify({ model: M, prompt: 'Why is the sky blue?', stream: false, think: false, options: { num_predict: 4 } });
  it.each([
    ['curl -d (form-urlencoded)', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['text/plain', { 'content-type': 'text/plain' }],
    ['no Content-Type', {}],
  ])('/api/generate with %s answers 200', async (_name, headers) => {
    const r = await post('/api/generate', body, headers);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).done).toBe(true);
  });

  it('every JSON route of the Ollama dialect skips the guard (chat, embed, embeddings, show)', async () => {
    const plain = { 'content-type': 'text/plain' };
    expect(
      (await post('/api/chat', JSON.stringify({ model: M, messages: [{ role: 'user', content: 'hi' }], stream: false, options: { num_predict: 2 } }), plain))
        .status,
    ).toBe(200);
    expect((await post('/api/embed', JSON.stringify({ model: M, input: 'hi' }), plain)).status).toBe(200);
    expect((await post('/api/embeddings', JSON.stringify({ model: M, prompt: 'hi' }), plain)).status).toBe(200);
    expect((await post('/api/show', JSON.stringify({ model: M }), plain)).status).toBe(200);
  });

  it('the ollama client with its Content-Type removed (a body of bare bytes) generates, chats, streams, embeds and shows', async () => {
    const seen: (string | null)[] = [];
    // The client always sets application/json; this fetch drops it and sends the body as bytes, so no type is sent at all.
    const bare: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.delete('content-type');
      const body = typeof init?.body === 'string' ? new TextEncoder().encode(init.body) : init?.body;
      const res = await fetch(input, { ...init, headers, body });
      seen.push(new Request(input, { ...init, headers, body }).headers.get('content-type'));
      return res;
    };
    const client = new Ollama({ host: sim.url, fetch: bare });
    const g = await client.generate({ model: M, prompt: 'Why is the sky blue?', think: false, options: { num_predict: 4, seed: 1 } });
    expect(g).toMatchObject({ model: M, done: true, done_reason: 'length', eval_count: 4 });
    expect(g.response).toBe((await ollama.generate({ model: M, prompt: 'Why is the sky blue?', think: false, options: { num_predict: 4, seed: 1 } })).response);
    const c = await client.chat({ model: M, messages: [{ role: 'user', content: 'hi' }], options: { num_predict: 3 } });
    expect(c.message.role).toBe('assistant');
    expect(c.eval_count).toBe(3);
    const parts: string[] = [];
    for await (const part of await client.chat({ model: M, messages: [{ role: 'user', content: 'hi' }], stream: true, options: { num_predict: 3 } }))
      parts.push(part.message.content);
    expect(parts.join('')).toBe(c.message.content);
    expect((await client.embed({ model: M, input: 'hi' })).embeddings).toHaveLength(1);
    expect((await client.show({ model: M })).details).toBeDefined();
    expect(seen).toEqual([null, null, null, null, null]);
  });

  it("bad JSON is still an Ollama 400 and the OpenAI routes keep vLLM's media-type guard", async () => {
    const bad = await post('/api/chat', '{nope', { 'content-type': 'text/plain' });
    expect(bad.status).toBe(400);
    expect(typeof JSON.parse(bad.text).error).toBe('string');
    const openai = await post('/v1/completions', JSON.stringify({ model: M, prompt: 'x' }), { 'content-type': 'text/plain' });
    expect(openai.status).toBe(400);
  });
});

describe('nothing to generate: Ollama loads the model', () => {
  it('empty prompt and empty messages answer done_reason load, with nothing generated', async () => {
    const g = await ollama.generate({ model: M, prompt: '' });
    expect(g).toEqual({
      model: M,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/),
      response: '',
      done: true,
      done_reason: 'load',
    });
    const c = await ollama.chat({ model: M, messages: [] });
    expect(c).toEqual({
      model: M,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/),
      message: { role: 'assistant', content: '' },
      done_reason: 'load',
      done: true,
    });
    const res = await fetch(`${sim.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: M }) });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(await res.text())).toMatchObject({ done: true, done_reason: 'load' });
    expect(((await (await fetch(`${sim.url}/load`)).json()) as { server_load: number }).server_load).toBe(0);
  });

  it('streams the same single object, and keep_alive 0 unloads', async () => {
    const parts: { done: boolean; done_reason?: string }[] = [];
    for await (const part of await ollama.generate({ model: M, prompt: '', stream: true })) parts.push(part);
    expect(parts.map((p) => [p.done, p.done_reason])).toEqual([[true, 'load']]);
    expect((await ollama.generate({ model: M, prompt: '', keep_alive: 0 })).done_reason).toBe('unload');
    expect((await ollama.chat({ model: M, messages: [], keep_alive: '0s' })).done_reason).toBe('unload');
  });

  it('an unknown model is still a 404', async () => {
    const r = await post('/api/generate', JSON.stringify({ model: 'nope' }), {});
    expect(r.status).toBe(404);
    expect(JSON.parse(r.text)).toEqual({ error: "model 'nope' not found" });
  });
});

describe('created_at', () => {
  it('never runs backwards across a second boundary (seconds and fraction come from one clock reading)', () => {
    let t = 1_700_000_000.99;
    const ctx = { unixTime: () => t } as unknown as ServerContext;
    const seen: string[] = [];
    for (let i = 0; i < 400; i++, t += 0.0001) seen.push(createdAt(ctx));
    expect([...seen].sort()).toEqual(seen);
    expect(seen[0]).toMatch(/^2023-11-14T22:13:20\.99\d{7}Z$/);
    expect(seen.some((s) => s.startsWith('2023-11-14T22:13:21.'))).toBe(true);
  });

  it('follows the stream on the simulated timeline, nanoseconds included', async () => {
    const stamps: number[] = [];
    for await (const part of await ollama.generate({ model: M, prompt: 'Tell me a story', think: false, stream: true, options: { num_predict: 64 } }))
      stamps.push(new Date(part.created_at).getTime());
    expect(stamps.length).toBeGreaterThan(2);
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThanOrEqual(stamps[i - 1] as number);
  });
});
