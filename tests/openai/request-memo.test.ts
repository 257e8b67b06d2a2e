/**
 * Identical non-streamed bodies are prepared twice at most (src/pipeline/request-memo.ts keeps a body's preparation
 * from its second sighting on). What belongs to the single
 * request must still be its own: the id, admission, a configuration changed in between; and answers stay the same
 * bytes as a freshly prepared request's.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer();
});
afterAll(() => sim.close());

const chat = { model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'memo me' }], max_tokens: 12, seed: 4 };
const completion = { model: 'Qwen/Qwen3-8B', prompt: 'memo me', max_tokens: 12, seed: 4 };
const url = (path: string): string => `${sim.url}${path}`;
/** Bodies with their per-request ids blanked (the only bytes that differ between identical requests). */
const withoutIds = (text: string): string => text.replace(/"id":"(chatcmpl|cmpl)-[0-9a-f]{32}"/g, '"id":"ID"');

describe('request memo', () => {
  it('answers a repeated body with the same bytes, and each request with its own X-Request-Id', async () => {
    for (const [path, body, prefix] of [
      ['/v1/chat/completions', chat, 'chatcmpl-'],
      ['/v1/completions', completion, 'cmpl-'],
    ] as const) {
      const first = await postRaw(url(path), body);
      const second = await postRaw(url(path), body);
      // Same bytes but the per-request id (README: which fields vary).
      expect(JSON.parse(second.text).id).not.toBe(JSON.parse(first.text).id);
      expect(withoutIds(second.text)).toBe(withoutIds(first.text));
      const named = JSON.parse((await postRaw(url(path), body, { 'x-request-id': 'req-a' })).text);
      const renamed = JSON.parse((await postRaw(url(path), body, { 'x-request-id': 'req-b' })).text);
      expect([named.id, renamed.id]).toEqual([`${prefix}req-a`, `${prefix}req-b`]);
      expect({ ...renamed, id: named.id }).toEqual(named);
      expect(JSON.parse((await postRaw(url(path), body)).text).id).not.toBe(JSON.parse(first.text).id);
    }
  });

  it('still applies --max-waiting to a repeated body', async () => {
    const body = { ...chat, seed: 5 };
    // Kept from its second preparation on: the third request below is answered from the memo.
    for (let i = 0; i < 2; i++) expect((await postRaw(url('/v1/chat/completions'), body)).status).toBe(200);
    const model = sim.ctx.models[0] as { maxWaiting: number | null };
    const before = model.maxWaiting;
    model.maxWaiting = 0;
    try {
      const refused = await postRaw(url('/v1/chat/completions'), body);
      expect(refused.status).toBe(429);
    } finally {
      model.maxWaiting = before;
    }
    expect((await postRaw(url('/v1/chat/completions'), body)).status).toBe(200);
  });

  it('forgets what it prepared when a LoRA adapter goes away', async () => {
    expect((await postRaw(url('/v1/load_lora_adapter'), { lora_name: 'memo-lora', lora_path: '/adapters/memo' })).status).toBe(200);
    const body = { ...chat, model: 'memo-lora' };
    // Kept by its second preparation, answered from the memo by the third.
    for (let i = 0; i < 3; i++) expect(JSON.parse((await postRaw(url('/v1/chat/completions'), body)).text).model).toBe('memo-lora');
    expect((await postRaw(url('/v1/unload_lora_adapter'), { lora_name: 'memo-lora' })).status).toBe(200);
    expect((await postRaw(url('/v1/chat/completions'), body)).status).toBe(404);
  });

  it('does not keep streams or invalid bodies: each gets the full treatment', async () => {
    const stream = { ...chat, stream: true };
    const a = await postRaw(url('/v1/chat/completions'), stream);
    const b = await postRaw(url('/v1/chat/completions'), stream);
    expect(withoutIds(b.text)).toBe(withoutIds(a.text));
    const bad = { ...chat, max_tokens: 'many' };
    const e1 = await postRaw(url('/v1/chat/completions'), bad);
    const e2 = await postRaw(url('/v1/chat/completions'), bad);
    expect([e1.status, e2.status]).toEqual([400, 400]);
    expect(e2.text).toBe(e1.text);
  });
});
