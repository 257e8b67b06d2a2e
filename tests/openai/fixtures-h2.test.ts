/** Every row of protocol.md §H.2 (vLLM ≥ 0.10.1 error catalogue), over raw loopback HTTP. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let small: Simulator;
let keyed: Simulator;
beforeAll(async () => {
  [sim, small, keyed] = await Promise.all([startTestServer(), startTestServer({ maxModelLen: 64 }), startTestServer({ apiKeys: ['k'] })]);
});
afterAll(async () => {
  await Promise.all([sim.close(), small.close(), keyed.close()]);
});

const msgs = [{ role: 'user', content: 'Hello' }];
const chat = (body: Record<string, unknown>, server = sim) => postRaw(`${server.url}/v1/chat/completions`, { messages: msgs, ...body });
const completion = (body: Record<string, unknown>, server = sim) => postRaw(`${server.url}/v1/completions`, body);

async function expectError(p: Promise<{ status: number; text: string }>, status: number, type: string, message: string, exact = true): Promise<void> {
  const r = await p;
  expect(r.status).toBe(status);
  const body = JSON.parse(r.text) as { error: { message: string; type: string; param: unknown; code: number } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error)).toEqual(['message', 'type', 'param', 'code']);
  expect(body.error.code).toBe(status);
  expect(body.error.type).toBe(type);
  if (exact) expect(body.error.message).toBe(message);
  else expect(body.error.message).toContain(message);
}

describe('protocol.md H.2 fixture rows', () => {
  it('unknown model → 404 NotFoundError with param model', async () => {
    const r = await chat({ model: 'nope' });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.text)).toEqual({ error: { message: 'The model `nope` does not exist.', type: 'NotFoundError', param: 'model', code: 404 } });
  });
  it('stream_options without stream → 400 Bad Request', () =>
    expectError(
      chat({ stream: false, stream_options: { include_usage: true } }),
      400,
      'Bad Request',
      'Stream options can only be defined when `stream=True`.',
      false,
    ));
  it('top_logprobs without logprobs → 400', () =>
    expectError(chat({ logprobs: false, top_logprobs: 2 }), 400, 'Bad Request', 'when using `top_logprobs`, `logprobs` must be set to true.', false));
  it('top_logprobs over the cap → 400', () =>
    expectError(chat({ logprobs: true, top_logprobs: 21 }), 400, 'BadRequestError', 'Requested sample logprobs of 21, which is greater than max allowed: 20'));
  it('prompt_logprobs with stream → 400', () =>
    expectError(chat({ stream: true, prompt_logprobs: 1 }), 400, 'Bad Request', '`prompt_logprobs` are not available when `stream=True`.', false));
  it('greedy with n > 1 → 400', () => expectError(chat({ temperature: 0, n: 2 }), 400, 'BadRequestError', 'n must be 1 when using greedy sampling, got 2.'));
  it('top_p 0 → 400 (Python float formatting)', () => expectError(chat({ top_p: 0 }), 400, 'BadRequestError', 'top_p must be in (0, 1], got 0.0.'));
  it('max_tokens 0 → 400', () => expectError(chat({ max_tokens: 0 }), 400, 'BadRequestError', 'max_tokens must be at least 1, got 0.'));
  it('min_tokens > max_tokens → 400', () =>
    expectError(chat({ min_tokens: 5, max_tokens: 4 }), 400, 'BadRequestError', 'min_tokens must be less than or equal to max_tokens=4, got 5.'));
  it('empty stop string → 400', () => expectError(chat({ stop: '' }), 400, 'BadRequestError', 'stop cannot contain an empty string.'));
  it('presence_penalty out of range → 400', () =>
    expectError(chat({ presence_penalty: 2.1 }), 400, 'BadRequestError', 'presence_penalty must be in [-2, 2], got 2.1.'));

  it('prompt of max_model_len tokens → 400 with the input token count', async () => {
    const long = [{ role: 'user', content: 'word '.repeat(80) }];
    const n = (JSON.parse((await postRaw(`${small.url}/tokenize`, { messages: long })).text) as { count: number }).count;
    expect(n).toBeGreaterThanOrEqual(64);
    await expectError(
      postRaw(`${small.url}/v1/chat/completions`, { messages: long }),
      400,
      'BadRequestError',
      `This model's maximum context length is 64 tokens. However, your request has ${n} input tokens. Please reduce the length of the input messages.`,
    );
  });
  it('prompt + max_tokens over max_model_len → 400', async () => {
    const n = (JSON.parse((await postRaw(`${small.url}/tokenize`, { messages: msgs })).text) as { count: number }).count;
    const m = 64 - n + 1;
    await expectError(
      chat({ max_tokens: m }, small),
      400,
      'BadRequestError',
      `'max_tokens' or 'max_completion_tokens' is too large: ${m}. This model's maximum context length is 64 tokens and your request has ${n} input tokens (${m} > 64 - ${n}).`,
    );
  });
  it('tool_choice without tools → 400', () =>
    expectError(chat({ tool_choice: 'required' }), 400, 'Bad Request', 'When using `tool_choice`, `tools` must be set.', false));
  it('continue_final_message with add_generation_prompt → 400', () =>
    expectError(
      chat({ continue_final_message: true, add_generation_prompt: true }),
      400,
      'Bad Request',
      'Cannot set both `continue_final_message` and `add_generation_prompt` to True.',
      false,
    ));
  it('completions suffix → 400', () => expectError(completion({ prompt: 'x', suffix: 'y' }), 400, 'BadRequestError', 'suffix is not currently supported'));
  it('completions empty prompt → 400', () =>
    expectError(completion({ prompt: '' }), 400, 'Bad Request', 'Either prompt or prompt_embeds must be provided and non-empty.', false));
  it('completions without max_tokens → 16 tokens, finish length', async () => {
    const r = JSON.parse((await completion({ prompt: 'Once upon a time', ignore_eos: true })).text) as {
      choices: { finish_reason: string }[];
      usage: { completion_tokens: number };
    };
    expect(r.usage.completion_tokens).toBe(16);
    expect(r.choices[0]!.finish_reason).toBe('length');
  });
  it('completions best_of 2 → 400', () =>
    expectError(completion({ prompt: 'x', best_of: 2 }), 400, 'BadRequestError', 'vLLM V1 does not yet support best_of.'));

  it('--api-key: 401 {"error":"Unauthorized"}; Bearer scheme case-insensitive; probes and metrics open', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'k' }] as Record<string, string>[]) {
      const r = await postRaw(`${keyed.url}/v1/chat/completions`, { messages: msgs }, headers);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text)).toEqual({ error: 'Unauthorized' });
    }
    expect((await fetch(`${keyed.url}/v1/models`)).status).toBe(401);
    expect((await postRaw(`${keyed.url}/v1/chat/completions`, { messages: msgs, max_tokens: 2 }, { authorization: 'bearer k' })).status).toBe(200);
    expect((await fetch(`${keyed.url}/health`)).status).toBe(200);
    // vLLM leaves /tokenize open; llmsim guards it (safe by default, tests/hardening/access.test.ts covers every route).
    expect((await postRaw(`${keyed.url}/tokenize`, { prompt: 'x' })).status).toBe(401);
    expect((await postRaw(`${keyed.url}/tokenize`, { prompt: 'x' }, { authorization: 'Bearer k' })).status).toBe(200);
    expect((await fetch(`${keyed.url}/metrics`)).status).toBe(200);
  });

  it('wrong content type → 400 Bad Request (newer vLLM)', async () => {
    const r = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ messages: msgs }),
    });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('Bad Request');
    expect(body.error.message).toContain("Unsupported Media Type: Only 'application/json' is allowed");
  });
  it('unknown route → 404 {"detail":"Not Found"}; wrong method → 405', async () => {
    const nf = await fetch(`${sim.url}/v2/unknown`);
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ detail: 'Not Found' });
    const na = await fetch(`${sim.url}/v1/chat/completions`);
    expect(na.status).toBe(405);
    expect(await na.json()).toEqual({ detail: 'Method Not Allowed' });
  });
  it('accepts unknown fields and every vLLM extra sampling/engine parameter', async () => {
    const r = await chat({
      max_tokens: 4,
      made_up_field: { x: 1 },
      top_k: 20,
      min_p: 0.05,
      repetition_penalty: 1.1,
      length_penalty: 1,
      stop_token_ids: [],
      include_stop_str_in_output: false,
      ignore_eos: false,
      min_tokens: 1,
      skip_special_tokens: true,
      spaces_between_special_tokens: true,
      truncate_prompt_tokens: 32,
      allowed_token_ids: [1, 2, 3],
      bad_words: ['zzz'],
      priority: 0,
      request_id: 'abc',
      cache_salt: 'salt',
      return_token_ids: true,
      return_tokens_as_token_ids: false,
      vllm_xargs: { a: 1 },
      add_generation_prompt: true,
      echo: false,
      user: 'u',
      service_tier: 'auto',
      store: false,
      metadata: { a: 'b' },
      best_of: 1,
      stop: null,
    });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).id).toBe('chatcmpl-abc');
  });
});
