import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { MAX_JSON_DEPTH } from '../../src/http/json-body.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer({ profile: 'instant' });
});
afterAll(() => sim.close());

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};
/** A body with `deep` nested `depth` levels at `"@"`: built as text (JSON.stringify itself overflows at these depths). */
const withDeep = (body: unknown, depth: number): string => JSON.stringify(body).replace('"@"', `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** Every answer of a hostile body: status, the dialect's envelope, and the server still idle afterwards. */
async function expectRejected(path: string, body: unknown, envelope: 'vllm' | 'anthropic' | 'ollama'): Promise<Record<string, unknown>> {
  const res = await postRaw(`${sim.url}${path}`, body);
  expect(res.status, res.text).toBe(400);
  const parsed = JSON.parse(res.text) as Record<string, unknown>;
  if (envelope === 'anthropic') expect(parsed).toMatchObject({ type: 'error', error: { type: expect.any(String), message: expect.any(String) } });
  else if (envelope === 'ollama') expect(typeof parsed['error']).toBe('string');
  else expect(parsed).toMatchObject({ error: { message: expect.any(String), type: expect.any(String), code: 400 } });
  return parsed;
}

async function expectIdle(): Promise<void> {
  const stats = sim.ctx.models[0]!.engine.stats();
  expect(stats.running + stats.waiting).toBe(0);
  expect(await (await fetch(`${sim.url}/load`)).json()).toEqual({ server_load: 0 });
  const ok = await postRaw(`${sim.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
  expect(ok.status).toBe(200);
}

describe('bodies that are not the dialect’s shape', () => {
  it('Anthropic: nulls and numbers in system and messages, wrong types, lax numeric strings', async () => {
    const base = { model: 'Qwen/Qwen3-8B', max_tokens: 4, messages: [{ role: 'user', content: 'hi' }] };
    const system = await expectRejected('/v1/messages', { ...base, system: [1, null, { type: 'text' }] }, 'anthropic');
    expect((system['error'] as { message: string }).message).toContain("'loc': ('body', 'system'");
    await expectRejected('/v1/messages', { ...base, messages: [null] }, 'anthropic');
    const hot = await expectRejected('/v1/messages', { ...base, temperature: 'hot' }, 'anthropic');
    expect((hot['error'] as { message: string }).message).toContain(
      "'type': 'float_parsing', 'loc': ('body', 'temperature'), 'msg': 'Input should be a valid number, unable to parse string as a number'",
    );
    await expectRejected('/v1/messages', { ...base, tools: [{ name: 't', input_schema: nested(MAX_JSON_DEPTH + 5) }] }, 'anthropic');
    await expectRejected('/v1/messages', { ...base, tool_choice: { type: 'tool' } }, 'anthropic');
    await expectRejected('/v1/messages/count_tokens', { model: 'Qwen/Qwen3-8B', messages: [null] }, 'anthropic');
    // pydantic lax mode: numbers as numeric strings are accepted.
    const lax = await postRaw(`${sim.url}/v1/messages`, { ...base, max_tokens: '3', temperature: '0.5', top_k: '5' });
    expect(lax.status, lax.text).toBe(200);
    expect((JSON.parse(lax.text) as { usage: { output_tokens: number } }).usage.output_tokens).toBeLessThanOrEqual(3);
    await expectIdle();
  });

  it('Responses: null tools and input items, wrong types', async () => {
    await expectRejected('/v1/responses', { input: 'hi', tools: [null] }, 'vllm');
    await expectRejected('/v1/responses', { input: [null] }, 'vllm');
    const hot = await expectRejected('/v1/responses', { input: 'hi', temperature: 'hot' }, 'vllm');
    expect((hot['error'] as { message: string }).message).toContain("'loc': ('body', 'temperature')");
    await expectRejected('/v1/responses', { input: 'hi', tools: [{ type: 'function' }] }, 'vllm');
    const lax = await postRaw(`${sim.url}/v1/responses`, { input: 'hi', max_output_tokens: '4', temperature: '0.2', store: false });
    expect(lax.status, lax.text).toBe(200);
    await expectIdle();
  });

  it('deep nesting is a 400 on every dialect, not a stack overflow', async () => {
    const deep = '@';
    const d = 5_000;
    await expectRejected(
      '/v1/chat/completions',
      withDeep({ messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', parameters: deep } }] }, d),
      'vllm',
    );
    await expectRejected('/v1/chat/completions', withDeep({ messages: [{ role: 'user', content: 'x' }], chat_template_kwargs: deep }, 100_000), 'vllm');
    await expectRejected(
      '/v1/chat/completions',
      withDeep({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'x', schema: deep } } }, d),
      'vllm',
    );
    await expectRejected(
      '/v1/messages',
      withDeep({ model: 'Qwen/Qwen3-8B', max_tokens: 4, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 't', input_schema: deep }] }, d),
      'anthropic',
    );
    await expectRejected(
      '/api/chat',
      withDeep({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'x' }], format: deep, stream: false }, d),
      'ollama',
    );
    await expectRejected('/v1/responses', withDeep({ input: 'x', tools: [{ type: 'function', name: 'f', parameters: deep }] }, d), 'vllm');
    await expectRejected('/tokenize', withDeep({ messages: [{ role: 'user', content: 'x' }], chat_template_kwargs: deep }, d), 'vllm');
    // Just under the limit is fine.
    const ok = await postRaw(`${sim.url}/tokenize`, { prompt: 'x', extra: nested(MAX_JSON_DEPTH - 2) });
    expect(ok.status, ok.text).toBe(200);
    await expectIdle();
  });
});
