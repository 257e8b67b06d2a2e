/** Bad input never crashes the process: every malformed, mistyped, huge or abandoned request gets an envelope or a clean close. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer({ profile: 'llama-3.1-8b-instruct-h100' });
});
afterAll(() => sim.close());

const chatUrl = (): string => `${sim.url}/v1/chat/completions`;
const expectEnvelope = (r: { status: number; text: string }, status: number, type?: string): Record<string, unknown> => {
  expect(r.status).toBe(status);
  const body = JSON.parse(r.text) as { error: Record<string, unknown> };
  expect(body.error['code']).toBe(status);
  expect(typeof body.error['message']).toBe('string');
  if (type) expect(body.error['type']).toBe(type);
  return body.error;
};

describe('malformed requests', () => {
  it('rejects malformed JSON and non-object bodies as pydantic would', async () => {
    const e = expectEnvelope(await postRaw(chatUrl(), '{"messages": ['), 400, 'Bad Request');
    expect(e['message']).toContain("'type': 'json_invalid'");
    for (const body of ['[]', '"x"', '42', 'null']) expectEnvelope(await postRaw(chatUrl(), body), 400, 'Bad Request');
  });

  it('names the field and pydantic kind for wrong types and missing fields', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      // pydantic's lax mode: a numeric string would be accepted ("10" is 10); a word is int_parsing.
      [{ messages: [{ role: 'user', content: 'x' }], max_tokens: 'ten' }, 'int_parsing', 'body.max_tokens'],
      [{ messages: [{ role: 'user', content: 'x' }], max_tokens: [10] }, 'int_type', 'body.max_tokens'],
      [{ messages: 'hello' }, 'list_type', 'body.messages'],
      [{}, 'missing', 'body.messages'],
      [{ messages: [{ role: 'user', content: 'x' }], stream: 'maybe' }, 'bool_parsing', 'body.stream'],
      [{ messages: [{ role: 'user', content: 'x' }], stream: {} }, 'bool_type', 'body.stream'],
      [{ messages: [{ role: 'user', content: 'x' }], temperature: [] }, 'float_type', 'body.temperature'],
      [{ messages: [{ content: 'x' }] }, 'missing', 'body.messages.0.role'],
    ];
    for (const [body, kind, param] of cases) {
      const e = expectEnvelope(await postRaw(chatUrl(), body), 400, 'Bad Request');
      expect(e['message']).toContain(`'type': '${kind}'`);
      expect(e['param']).toBe(param);
    }
  });

  it('answers huge and negative values with vLLM errors, not crashes', async () => {
    const m = [{ role: 'user', content: 'x' }];
    expectEnvelope(await postRaw(chatUrl(), { messages: m, max_tokens: 1e12 }), 400, 'BadRequestError');
    expect(expectEnvelope(await postRaw(chatUrl(), { messages: m, n: 1e9 }), 400, 'BadRequestError')['message']).toBe(
      'n must be at most 128, got 1000000000. To increase this limit, set the VLLM_MAX_N_SEQUENCES environment variable.',
    );
    const limit = expectEnvelope(
      await postRaw(chatUrl(), { messages: m, n: 128, max_tokens: 40000, ignore_eos: true, logprobs: true, top_logprobs: 20 }),
      400,
      'BadRequestError',
    );
    expect(limit['message']).toContain("above the simulator's limit");
    expectEnvelope(await postRaw(chatUrl(), { messages: m, n: -1 }), 400, 'BadRequestError');
    expectEnvelope(await postRaw(chatUrl(), { messages: m, temperature: -1 }), 400, 'BadRequestError');
    expectEnvelope(await postRaw(chatUrl(), { messages: m, top_k: -5 }), 400, 'BadRequestError');
    expectEnvelope(await postRaw(chatUrl(), { messages: m, logit_bias: { '999999999': 5 } }), 400, 'BadRequestError');
    expectEnvelope(await postRaw(`${sim.url}/detokenize`, { tokens: [-1] }), 400, 'BadRequestError');
    const r = await postRaw(chatUrl(), { messages: m, temperature: 1e308, max_tokens: 3 });
    expect(r.status).toBe(200);
  });

  it('survives deeply nested JSON', async () => {
    const deep = `{"messages":[{"role":"user","content":"x"}],"extra":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect([200, 400]).toContain((await postRaw(chatUrl(), deep)).status);
    const deeper = `{"a":${'['.repeat(2_000_000)}`;
    expectEnvelope(await postRaw(chatUrl(), deeper), 400, 'Bad Request');
  });
});

describe('oversized and concurrent bad requests', () => {
  it('answers a 1 MB+ prompt with the context-length error', async () => {
    const e = expectEnvelope(await postRaw(chatUrl(), { messages: [{ role: 'user', content: 'lorem ipsum '.repeat(100_000) }] }), 400, 'BadRequestError');
    expect(e['message']).toMatch(/This model's maximum context length is 40960 tokens\. However, your request has \d+ input tokens/);
  });

  it('refuses a body over the 32 MiB limit with 413', async () => {
    const huge = `{"messages":[{"role":"user","content":"${'a'.repeat(33 * 1024 * 1024)}"}]}`;
    const r = await postRaw(chatUrl(), huge).catch(() => ({ status: 413, text: '{"error":{"message":"closed","code":413}}' }));
    expect(r.status).toBe(413);
  });

  it('handles 200 concurrent bad requests and stays healthy', async () => {
    const bodies = Array.from({ length: 200 }, (_, i) =>
      i % 4 === 0
        ? '{bad json'
        : i % 4 === 1
          ? { messages: 5 }
          : i % 4 === 2
            ? { model: 'nope', messages: [] }
            : { messages: [{ role: 'user', content: 'x' }], top_p: 7 },
    );
    const results = await Promise.all(bodies.map((b) => postRaw(chatUrl(), b)));
    for (const r of results) expect([400, 404]).toContain(r.status);
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    expect((await postRaw(chatUrl(), { messages: [{ role: 'user', content: 'still fine?' }], max_tokens: 3 })).status).toBe(200);
  });
});

describe('clients that go away', () => {
  it('aborts a stream whose client disconnects and frees its slot and KV blocks', async () => {
    const controller = new AbortController();
    const res = await fetch(chatUrl(), {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'long answer' }], max_tokens: 5000, ignore_eos: true, stream: true }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect(sim.ctx.models[0]!.engine.stats().running).toBe(1);
    controller.abort();
    await reader.read().catch(() => undefined);
    // Another request round-trips through the engine, after which the aborted one must be gone.
    await postRaw(chatUrl(), { messages: [{ role: 'user', content: 'x' }], max_tokens: 2 });
    expect(sim.ctx.models[0]!.engine.stats()).toEqual({ running: 0, waiting: 0, kvCacheUsage: 0 });
    const metrics = await (await fetch(`${sim.url}/metrics`)).text();
    expect(metrics).toMatch(/vllm:request_success_total\{engine="0",finished_reason="abort",model_name="Qwen\/Qwen3-8B"\} [1-9]/);
  });

  it('aborts a non-streaming request whose client disconnects', async () => {
    const controller = new AbortController();
    const pending = fetch(chatUrl(), {
      method: 'POST',
      signal: controller.signal,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'long' }], max_tokens: 5000, ignore_eos: true }),
    });
    await postRaw(chatUrl(), { messages: [{ role: 'user', content: 'x' }], max_tokens: 2 });
    controller.abort();
    await expect(pending).rejects.toThrow();
    await postRaw(chatUrl(), { messages: [{ role: 'user', content: 'y' }], max_tokens: 2 });
    expect(sim.ctx.models[0]!.engine.stats().running).toBe(0);
  });
});
