/**
 * @module Regression tests for what the all-route fuzzer (fuzz-dialects.test.ts) found: each was a 500 or a stuck
 * request before its fix.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer({ apiKeys: [] });
});
afterAll(() => sim.close());

const load = async (): Promise<number> => ((await (await fetch(`${sim.url}/load`)).json()) as { server_load: number }).server_load;

describe('fuzzer findings', () => {
  it('/detokenize of no tokens is an empty prompt, as vLLM (the tokenizer library threw: a 500)', async () => {
    const r = await postRaw(`${sim.url}/detokenize`, { tokens: [] });
    expect(r.status, r.text).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ prompt: '' });
  });

  it("truncate_prompt_tokens below -1 is pydantic's greater_than_equal 400 on chat, completions and embeddings (was a 500)", async () => {
    const bodies: [string, Record<string, unknown>][] = [
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }],
      ['/v1/completions', { prompt: 'hi', max_tokens: 2 }],
      ['/v1/embeddings', { input: 'hi' }],
    ];
    for (const [path, body] of bodies) {
      for (const t of [-2, '-5', -9007199254740992]) {
        const r = await postRaw(`${sim.url}${path}`, { ...body, truncate_prompt_tokens: t });
        expect(r.status, `${path} ${t}`).toBe(400);
        expect(JSON.parse(r.text).error.message).toContain(
          "{'type': 'greater_than_equal', 'loc': ('body', 'truncate_prompt_tokens'), 'msg': 'Input should be greater than or equal to -1'}",
        );
      }
      expect((await postRaw(`${sim.url}${path}`, { ...body, truncate_prompt_tokens: -1 })).status).toBe(200);
    }
  });

  it('a clock hold sent with a large body it never reads is released when the client stops reading (the upload stuck in the socket kept it open)', async () => {
    const res = await fetch(`${sim.url}/admin/clock/hold`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":'.repeat(50_000) });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^\{"held_at":/);
    expect(await load()).toBe(1);
    await reader.cancel();
    let n = await load();
    for (let i = 0; i < 200 && n !== 0; i++) n = await load();
    expect(n).toBe(0);
    // Virtual time runs again: a generation request finishes.
    expect((await postRaw(`${sim.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 })).status).toBe(200);
  });
});
