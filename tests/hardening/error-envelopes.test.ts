/**
 * @module Every error in its route dialect's envelope, whoever raised it: injected faults (`x-llmsim-fault`) on every
 * generation route, a schema error, an unknown model and the queue-full 429, with Anthropic's types where vLLM's
 * Anthropic routes have none of their own (src/app/error-envelope.ts).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { ROUTE_TABLE } from '../../src/http/routes.ts';
import { BASELINES } from './fuzz-bodies.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer({ apiKeys: [] });
});
afterAll(() => sim.close());

const GENERATION = ROUTE_TABLE.filter((r) => r.generation === true);
/** Anthropic's type per injected status (vLLM's own name for the statuses vLLM raises there). */
const ANTHROPIC: Readonly<Record<number, string>> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'InternalServerError',
  502: 'api_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
  418: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
};
const OPENAI: Readonly<Record<number, string>> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
  500: 'InternalServerError',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  529: 'InternalServerError',
  418: 'BadRequestError',
  401: 'BadRequestError',
  403: 'BadRequestError',
};

describe('error envelopes per dialect', () => {
  it.each(GENERATION.map((r) => [r.path, r.dialect] as const))('%s (%s): injected errors in the dialect envelope and type', async (path, dialect) => {
    for (const status of Object.keys(ANTHROPIC).map(Number)) {
      const r = await postRaw(`${sim.url}${path}`, BASELINES[path], { 'x-llmsim-fault': `http_error; status=${status}; message=boom; retry_after=2` });
      expect(r.status).toBe(status);
      expect(r.headers.get('retry-after')).toBe('2');
      const body = JSON.parse(r.text) as unknown;
      if (dialect === 'ollama') expect(body).toEqual({ error: 'boom' });
      else if (dialect === 'anthropic') expect(body, String(status)).toEqual({ type: 'error', error: { type: ANTHROPIC[status], message: 'boom' } });
      else expect(body, String(status)).toEqual({ error: { message: 'boom', type: OPENAI[status], param: null, code: status } });
    }
  });

  it('thrown errors: a schema error and an unknown model keep vLLM type names inside the Anthropic envelope', async () => {
    const schema = await postRaw(`${sim.url}/v1/messages`, { model: 'Qwen/Qwen3-8B', max_tokens: 'x', messages: [] });
    expect(schema.status).toBe(400);
    expect(JSON.parse(schema.text)).toMatchObject({ type: 'error', error: { type: 'Bad Request' } });
    const unknown = await postRaw(`${sim.url}/v1/messages/count_tokens`, { model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toEqual({ type: 'error', error: { type: 'NotFoundError', message: 'The model `nope` does not exist.' } });
    const ollama = await postRaw(`${sim.url}/api/show`, { model: 'nope' });
    expect(JSON.parse(ollama.text)).toEqual({ error: "model 'nope' not found" });
    const openai = await postRaw(`${sim.url}/v1/completions`, { model: 'nope', prompt: 'x' });
    expect(JSON.parse(openai.text)).toEqual({ error: { message: 'The model `nope` does not exist.', type: 'NotFoundError', param: 'model', code: 404 } });
  });

  it('the queue-full 429 is rate_limit_error on Anthropic and Too Many Requests on OpenAI routes', async () => {
    const full = await startTestServer({ apiKeys: [], engine: { maxWaiting: 0 } });
    try {
      const anthropic = await postRaw(`${full.url}/v1/messages`, BASELINES['/v1/messages']);
      expect(anthropic.status).toBe(429);
      expect(JSON.parse(anthropic.text)).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
      const chat = await postRaw(`${full.url}/v1/chat/completions`, BASELINES['/v1/chat/completions']);
      expect(chat.status).toBe(429);
      expect(JSON.parse(chat.text)).toMatchObject({ error: { type: 'Too Many Requests', code: 429 } });
    } finally {
      await full.close();
    }
  });

  it('through the SDKs, the queue-full and an injected 429 are one error class and type (the two builders once disagreed on Anthropic)', async () => {
    const full = await startTestServer({ apiKeys: [], engine: { maxWaiting: 0 } });
    const fault = { headers: { 'x-llmsim-fault': 'http_error; status=429' } };
    const caught = async (p: Promise<unknown>): Promise<unknown> =>
      p.then(
        () => expect.unreachable('expected a 429'),
        (err: unknown) => err,
      );
    try {
      const messages = { model: 'Qwen/Qwen3-8B', max_tokens: 4, messages: [{ role: 'user' as const, content: 'hi' }] };
      for (const [base, options] of [
        [full.url, undefined],
        [sim.url, fault],
      ] as const) {
        const anthropic = new Anthropic({ baseURL: base, apiKey: 'x', maxRetries: 0 });
        const a = await caught(anthropic.messages.create(messages, options));
        expect(a).toBeInstanceOf(Anthropic.RateLimitError);
        expect((a as InstanceType<typeof Anthropic.RateLimitError>).error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
        const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'x', maxRetries: 0 });
        const o = await caught(openai.chat.completions.create({ model: 'Qwen/Qwen3-8B', messages: messages.messages, max_tokens: 4 }, options));
        expect(o).toBeInstanceOf(OpenAI.RateLimitError);
        expect((o as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ type: 'Too Many Requests', code: 429 });
      }
    } finally {
      await full.close();
    }
  });
});
