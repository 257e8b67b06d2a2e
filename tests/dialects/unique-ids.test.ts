/** Identical requests get distinct ids in every dialect (the client's X-Request-Id / request_id still wins); the rest is the same. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer();
});
afterAll(async () => {
  await sim.close();
});

const cases = [
  ['/v1/chat/completions', { messages: [{ role: 'user', content: 'same' }], max_tokens: 5 }, /^chatcmpl-[0-9a-f]{32}$/],
  ['/v1/completions', { prompt: 'same', max_tokens: 5 }, /^cmpl-[0-9a-f]{32}$/],
  ['/v1/responses', { input: 'same', max_output_tokens: 5 }, /^resp_[0-9a-f]{32}$/],
  ['/v1/messages', { model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'same' }], max_tokens: 5 }, /^chatcmpl-[0-9a-f]{32}$/],
] as const;

describe('per-request ids', () => {
  for (const [path, body, shape] of cases) {
    it(`${path}: identical requests, distinct ids, identical bodies otherwise; X-Request-Id wins`, async () => {
      const [a, b] = await Promise.all([postRaw(`${sim.url}${path}`, body), postRaw(`${sim.url}${path}`, body)]);
      const [ja, jb] = [JSON.parse(a.text) as { id: string }, JSON.parse(b.text) as { id: string }];
      expect(ja.id).toMatch(shape);
      expect(jb.id).not.toBe(ja.id);
      // Responses item ids follow the response id: blank every id-like token before comparing.
      const blank = (t: string, id: string): string =>
        t.replaceAll(id, 'ID').replaceAll(id.slice(id.indexOf(id.includes('_') ? '_' : '-') + 1).slice(-24), 'HEX');
      expect(blank(b.text, jb.id)).toBe(blank(a.text, ja.id));
      const named = JSON.parse((await postRaw(`${sim.url}${path}`, body, { 'x-request-id': 'client-7' })).text) as { id: string };
      expect(named.id).toBe(`${ja.id.startsWith('resp_') ? 'resp_' : ja.id.startsWith('cmpl-') ? 'cmpl-' : 'chatcmpl-'}client-7`);
    });
  }

  it('five identical requests get five ids', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add(JSON.parse((await postRaw(`${sim.url}/v1/completions`, { prompt: 'same', max_tokens: 2 })).text).id);
    expect(ids.size).toBe(5);
  });
});
