import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { parseServeArgs } from '../../src/cli/args.ts';
import type { ServeOptions } from '../../src/scenario/options.ts';
import { ResponsesStore } from '../../src/dialects/responses/store.ts';
import type { ResponseObject } from '../../src/dialects/responses/response-types.ts';

/** A stand-in response of about `n` bytes: the store's bounds count bytes, not fields. */
const sized = (n: number): ResponseObject => ({ text: 'y'.repeat(n) }) as unknown as ResponseObject;

const M = 'Qwen/Qwen3-8B';
let on: Simulator;
let off: Simulator;
let client: OpenAI;
beforeAll(async () => {
  [on, off] = await Promise.all([
    startTestServer({ profile: 'instant', safety: { responsesStore: { enabled: true, maxEntries: 3 } } }),
    startTestServer({ profile: 'instant' }),
  ]);
  client = new OpenAI({ baseURL: `${on.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await Promise.all([on.close(), off.close()]);
});

const create = (sim: Simulator, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  postRaw(`${sim.url}/v1/responses`, { model: M, max_output_tokens: 4, ...body }, headers);
const get = (sim: Simulator, id: string) => fetch(`${sim.url}/v1/responses/${encodeURIComponent(id)}`);

describe('the Responses store', () => {
  it('is off by default: store reported false, GET and previous_response_id are 404s', async () => {
    const r = await create(off, { input: 'hello' });
    expect(r.status).toBe(200);
    const body = JSON.parse(r.text) as { id: string; store: boolean };
    expect(body.store).toBe(false);
    const miss = await get(off, body.id);
    expect(miss.status).toBe(404);
    expect(await miss.json()).toEqual({
      error: { message: `Response with id '${body.id}' not found.`, type: 'invalid_request_error', param: 'response_id', code: 404 },
    });
    const chained = await create(off, { input: 'again', previous_response_id: body.id });
    expect(chained.status).toBe(404);
  });

  it('when enabled (flag, env, scenario), keeps responses for GET and continues them with previous_response_id', async () => {
    const first = await client.responses.create({ model: M, input: 'My name is Ada.', max_output_tokens: 6 });
    expect((first as unknown as { store: boolean }).store).toBe(true);
    expect((await client.responses.retrieve(first.id)).output_text).toBe(first.output_text);
    const next = await client.responses.create({ model: M, input: 'What is my name?', previous_response_id: first.id, max_output_tokens: 6 });
    expect(next.previous_response_id).toBe(first.id);
    // The follow-up's prompt holds the earlier turn: more input tokens than the same question alone.
    const alone = await client.responses.create({ model: M, input: 'What is my name?', max_output_tokens: 6, store: false });
    expect(next.usage!.input_tokens).toBeGreaterThan(alone.usage!.input_tokens);
    expect((alone as unknown as { store: boolean }).store).toBe(false);
    await expect(client.responses.retrieve(alone.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect((parseServeArgs(['m', '--enable-responses-store'], {}) as ServeOptions).safety?.responsesStore?.enabled).toBe(true);
    expect((parseServeArgs(['m'], { VLLM_ENABLE_RESPONSES_API_STORE: '1' }) as ServeOptions).safety?.responsesStore?.enabled).toBe(true);
    expect((parseServeArgs(['m'], {}) as ServeOptions).safety?.responsesStore?.enabled).toBeUndefined();
  });

  it('mints unguessable ids for stored responses: the same input twice, or a chosen request_id, never shares or overwrites one', async () => {
    const a = JSON.parse((await create(on, { input: 'same' })).text) as { id: string; output: unknown };
    const b = JSON.parse((await create(on, { input: 'same' })).text) as { id: string };
    expect(a.id).not.toBe(b.id);
    expect(a.id).toMatch(/^resp_[0-9a-f]{32}$/);
    // An attacker naming its request after the victim's id gets its own id; the victim's entry is untouched.
    const attack = JSON.parse((await create(on, { input: 'poison', request_id: a.id.slice(5) }, { 'x-request-id': a.id.slice(5) })).text) as { id: string };
    expect(attack.id).not.toBe(a.id);
    const victim = (await (await get(on, a.id)).json()) as { output: unknown };
    expect(victim.output).toEqual(a.output);
    // A chosen request_id does not become a readable key either.
    await create(on, { input: 'secret', request_id: 'victim' });
    expect((await get(on, 'resp_victim')).status).toBe(404);
  });

  it('answers a malformed id with vLLM’s 400', async () => {
    const bad = await get(on, 'victim');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        message: "Invalid 'response_id': 'victim'. Expected an ID that begins with 'resp'.",
        type: 'invalid_request_error',
        param: 'response_id',
        code: 400,
      },
    });
  });

  it('is bounded in entries and bytes, least recently used out', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((JSON.parse((await create(on, { input: `n${i}` })).text) as { id: string }).id);
    // maxEntries 3: the two oldest are gone.
    expect(await Promise.all(ids.map(async (id) => (await get(on, id)).status))).toEqual([404, 404, 200, 200, 200]);
    const store = new ResponsesStore({ enabled: true, maxEntries: 10, maxBytes: 1000 });
    expect(store.put('resp_big', sized(2000), [])).toBe(false);
    for (let i = 0; i < 10; i++) store.put(`resp_${i}`, sized(200), []);
    expect(store.stats().bytes).toBeLessThanOrEqual(1000);
    expect(store.get('resp_9')).toBeDefined();
    expect(store.get('resp_0')).toBeUndefined();
    // A read refreshes an entry.
    store.get('resp_6');
    store.put('resp_new', sized(200), []);
    expect(store.get('resp_6')).toBeDefined();
    expect(store.get('resp_7')).toBeUndefined();
  });
});
