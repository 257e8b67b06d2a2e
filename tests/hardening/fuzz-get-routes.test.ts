/**
 * @module Fuzzes every GET and HEAD route of the route table (fuzz-dialects.test.ts covers the POST ones): path
 * parameters (`/v1/models/{id}`, `/v1/responses/{id}`) replaced by hostile segments (malformed percent escapes,
 * encoded NUL, slashes and dots, 8 KB ids, random text), hostile query strings and headers, sent raw over node:http
 * so nothing normalises them. Every answer is 2xx or 4xx within a deadline, an error is its dialect's envelope (or
 * FastAPI's `{"detail"}` for a path that no longer names a route), and nothing is left in flight.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { rawRequest, type RawAnswer } from '../helpers/raw-http.ts';
import { startTestServer } from '../helpers/server.ts';
import { expectEnvelope } from '../helpers/envelopes.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { ROUTE_TABLE, type RouteSpec } from '../../src/http/routes.ts';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261204);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 45);
const DEADLINE_MS = 5_000;

let sim: Simulator;
let sleepy: Simulator;
beforeAll(async () => {
  [sim, sleepy] = await Promise.all([
    startTestServer({ apiKeys: [], safety: { responsesStore: { enabled: true } } }),
    startTestServer({ apiKeys: [], enableSleepMode: true }),
  ]);
});
afterAll(() => Promise.all([sim.close(), sleepy.close()]));

type Answer = RawAnswer;

/** Raw HTTP: the path goes on the request line exactly as generated (fetch would resolve dots and re-encode). */
function send(base: string, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return rawRequest(`${base}${path}`, { method, headers, timeoutMs: DEADLINE_MS });
}

/** Characters a request line may carry as they are (node:http refuses the rest unescaped). */
const urlSafe = (s: string): string => s.replace(/[^\x21-\x7e]/g, (ch) => encodeURIComponent(ch)).replace(/[#?]/g, (ch) => encodeURIComponent(ch));

const segment = fc.oneof(
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', '%2F', '%2e%2e', '..', '.', '%C0%AF', '%FF%FE', 'Qwen%2FQwen3-8B', 'resp_', 'resp_%ff', 'a'.repeat(8192)),
  fc.string({ maxLength: 40 }).map(urlSafe),
  fc.string({ unit: 'binary', maxLength: 20 }).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''))),
  fc.string({ maxLength: 20 }).map((s) => `resp_${encodeURIComponent(s)}`),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?', '?%', '?x=%zz', '?level=1&level=2', '?model=Qwen/Qwen3-8B', '?a[]=1&a[b]=2', `?q=${'x'.repeat(8192)}`),
  fc.string({ maxLength: 60 }).map((s) => `?${urlSafe(s)}`),
);
const headers = fc.dictionary(
  fc.constantFrom('accept', 'authorization', 'x-api-key', 'x-request-id', 'origin', 'accept-encoding', 'x-data-parallel-rank', 'range', 'if-none-match'),
  fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
  { maxKeys: 3 },
);

/** The path with each `:param` (or `:param{.+}`, the rest of the path) replaced by generated segments. */
function pathOf(route: RouteSpec): fc.Arbitrary<string> {
  const parts = route.path.split('/');
  return fc
    .tuple(
      ...parts.map((p) =>
        p.startsWith(':') ? (p.endsWith('{.+}') ? fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/')) : segment) : fc.constant(p),
      ),
    )
    .map((s) => s.join('/'));
}

function expectAnswer(route: RouteSpec, a: Answer): void {
  const ok = (a.status >= 200 && a.status < 300) || (a.status >= 400 && a.status < 500);
  expect(ok, `${a.status} ${a.text.slice(0, 300)}`).toBe(true);
  if (a.status < 400 || a.text === '') return;
  const parsed = JSON.parse(a.text) as Record<string, unknown>;
  // A generated path that names no route any more ('/v1/models/' + '' is '/v1/models/') is FastAPI's 404/405.
  if ('detail' in parsed && (a.status === 404 || a.status === 405)) expect(Object.keys(parsed)).toEqual(['detail']);
  else expectEnvelope(route.dialect, a);
}

async function idle(s: Simulator): Promise<void> {
  expect(((await (await fetch(`${s.url}/load`)).json()) as { server_load: number }).server_load).toBe(0);
  for (const m of s.ctx.models) expect(m.engine.stats().running + m.engine.stats().waiting).toBe(0);
}

const GET_ROUTES = ROUTE_TABLE.filter((r) => r.method !== 'POST');

describe('fuzzing every GET and HEAD route', () => {
  it('the route table has parameterised GET routes to fuzz (a rename would silently empty the property)', () => {
    expect(GET_ROUTES.filter((r) => r.path.includes(':')).map((r) => r.path)).toEqual(['/v1/models/:id{.+}', '/v1/responses/:id']);
  });

  it.each(GET_ROUTES.map((r) => [r.method, r.path, r] as const))('%s %s: 2xx or 4xx in time, errors in the dialect envelope', async (_m, _p, route) => {
    const server = route.sleepMode ? sleepy : sim;
    await fc.assert(
      fc.asyncProperty(pathOf(route), query, headers, async (path, q, h) => {
        expectAnswer(route, await send(server.url, route.method, `${path}${q}`, h));
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    await idle(server);
  });
});
