import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import { startTestServer } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { ROUTE_TABLE, type RouteSpec } from '../../src/http/routes.ts';

const KEY = 'secret';
let sim: Simulator;
let open: Simulator;
beforeAll(async () => {
  // Sleep mode on, so its routes are in the app and checked too.
  [sim, open] = await Promise.all([
    startTestServer({ profile: 'instant', apiKeys: ['other', KEY], enableSleepMode: true }),
    startTestServer({ profile: 'instant' }),
  ]);
});
afterAll(async () => {
  await Promise.all([sim.close(), open.close()]);
});

/** A concrete path for a table entry (parameters filled in). */
const concrete = (spec: RouteSpec): string => spec.path.replace(/:id\{\.\+\}/, 'some/model').replace(/:id/, 'resp_x');

/** Sends `spec`'s method to its path (an empty JSON object as the body of a POST) and returns status and body text. */
async function send(spec: RouteSpec, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const abort = new AbortController();
  const res = await fetch(`${sim.url}${concrete(spec)}`, {
    method: spec.method,
    headers: spec.method === 'POST' ? { 'content-type': 'application/json', ...headers } : headers,
    ...(spec.method === 'POST' ? { body: '{}' } : {}),
    signal: abort.signal,
  });
  // The clock hold keeps its response open while held: read the status only, then let go.
  const text = spec.path === '/admin/clock/hold' && res.status === 200 ? '' : await res.text();
  abort.abort();
  return { status: res.status, text };
}

const keyed = ROUTE_TABLE.filter((s) => s.access === 'key');
const exempt = ROUTE_TABLE.filter((s) => s.access === 'open');

describe('--api-key on the whole route table', () => {
  it('exempts exactly vLLM’s probes and metrics (and Ollama’s liveness probe)', () => {
    expect(exempt.map((s) => `${s.method} ${s.path}`).sort()).toEqual(
      ['GET /', 'HEAD /', 'GET /health', 'GET /ping', 'POST /ping', 'GET /version', 'GET /load', 'GET /metrics', 'GET /metrics/'].sort(),
    );
  });

  it.each(keyed.map((s) => [`${s.method} ${s.path}`, s] as const))(
    '%s: no key, a wrong key or a bare key → 401; the right Bearer key passes',
    async (_name, spec) => {
      for (const headers of [
        {},
        { authorization: 'Bearer wrong' },
        { authorization: KEY },
        { authorization: `Basic ${KEY}` },
        { 'x-api-key': 'wrong' },
      ] as Record<string, string>[]) {
        const r = await send(spec, headers);
        expect(r.status, JSON.stringify(headers)).toBe(401);
        expect(JSON.parse(r.text)).toEqual({ error: 'Unauthorized' });
      }
      expect((await send(spec, { authorization: `Bearer ${KEY}` })).status).not.toBe(401);
      expect((await send(spec, { authorization: `bearer ${KEY}` })).status).not.toBe(401);
      // x-api-key (what the Anthropic SDKs send) counts on the Anthropic routes only.
      const viaXApiKey = (await send(spec, { 'x-api-key': KEY })).status;
      if (spec.dialect === 'anthropic') expect(viaXApiKey).not.toBe(401);
      else expect(viaXApiKey).toBe(401);
    },
  );

  it.each(exempt.map((s) => [`${s.method} ${s.path}`, s] as const))('%s is open without a key', async (_name, spec) => {
    expect((await send(spec, {})).status).not.toBe(401);
  });

  it('guards unknown paths (no probing for routes) and leaves a wrong method on an open path its 405', async () => {
    expect((await fetch(`${sim.url}/v2/unknown`)).status).toBe(401);
    expect((await fetch(`${sim.url}/v2/unknown`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(404);
    expect((await fetch(`${sim.url}/health`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${sim.url}/v1/models`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${sim.url}/v1/models`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } })).status).toBe(405);
  });

  it('never checks OPTIONS: a CORS preflight on any route is answered without the key', async () => {
    for (const spec of ROUTE_TABLE) {
      const res = await fetch(`${sim.url}${concrete(spec)}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': spec.method,
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(res.status, spec.path).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    }
    // A 401 carries the CORS headers too (a browser client can read why it failed).
    const denied = await fetch(`${sim.url}/v1/models`, { headers: { origin: 'https://app.example' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('works with the official SDKs', async () => {
    const model = sim.ctx.models[0]!.name;
    await expect(new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'wrong', maxRetries: 0 }).models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: KEY, maxRetries: 0 }).models.list()).data[0]!.id).toBe(model);
    await expect(
      new Anthropic({ baseURL: sim.url, apiKey: 'wrong', maxRetries: 0 }).messages.countTokens({ model, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    expect(
      (await new Anthropic({ baseURL: sim.url, apiKey: KEY, maxRetries: 0 }).messages.countTokens({ model, messages: [{ role: 'user', content: 'x' }] }))
        .input_tokens,
    ).toBeGreaterThan(0);
    expect(
      (await new Anthropic({ baseURL: sim.url, authToken: KEY, maxRetries: 0 }).messages.countTokens({ model, messages: [{ role: 'user', content: 'x' }] }))
        .input_tokens,
    ).toBeGreaterThan(0);
    await expect(new Ollama({ host: sim.url }).list()).rejects.toMatchObject({ status_code: 401 });
    const ollama = new Ollama({ host: sim.url, headers: { authorization: `Bearer ${KEY}` } });
    expect((await ollama.list()).models.length).toBeGreaterThan(0);
  });

  it('without --api-key every route is open', async () => {
    for (const path of ['/tokenize', '/api/tags', '/admin/config']) {
      const res = await fetch(
        `${open.url}${path}`,
        path === '/tokenize' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":"x"}' } : {},
      );
      expect(res.status, path).toBe(200);
    }
  });
});
