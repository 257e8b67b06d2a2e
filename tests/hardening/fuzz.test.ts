import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { rawRequest, type RawAnswer } from '../helpers/raw-http.ts';
import { startTestServer } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { FIELDS as DIALECT_FIELDS } from './fuzz-bodies.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer({ apiKeys: [] });
});
afterAll(() => sim.close());

/** Raw HTTP so hostile headers and bodies reach the server exactly as generated. */
function send(path: string, headers: Record<string, string>, body: string): Promise<RawAnswer> {
  return rawRequest(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

const scalar = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(1e308), fc.constant(-1), fc.constant(''));
const hostileValue = fc.letrec((tie) => ({
  v: fc.oneof({ maxDepth: 4 }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 4 })),
})).v;
/** The all-route fuzzer's OpenAI fields, and the ones that carry a request's content. */
const FIELDS = [...new Set(['model', 'messages', 'prompt', 'max_tokens', 'input', ...DIALECT_FIELDS.openai])];
const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 8 }).map((o) => JSON.stringify(o)),
  fc
    .record(
      { messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'system', 'tool', 'x'), content: hostileValue }), { maxLength: 3 }) },
      { requiredKeys: [] },
    )
    .chain((base) =>
      fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 4 }).map((extra) => JSON.stringify({ ...extra, ...base, max_tokens: 4 })),
    ),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('', '{', '[]', 'null', '"x"', '{"messages":', '\u0000', '{"a":'.repeat(50)),
);
const hostileHeaders = fc.dictionary(
  fc.constantFrom('content-type', 'x-request-id', 'authorization', 'x-llmsim-fault', 'accept', 'origin'),
  fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
  { maxKeys: 3 },
);
const PATHS = ['/v1/chat/completions', '/v1/completions', '/v1/embeddings', '/tokenize', '/detokenize'];

describe('fuzzing the HTTP surface', () => {
  it('answers every hostile request with a response or an error envelope, never a crash or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), hostileHeaders, hostileBody, async (path, headers, body) => {
        const { status, text } = await send(path, headers, body);
        expect(status).toBeGreaterThanOrEqual(200);
        expect(status).toBeLessThan(600);
        if (headers['x-llmsim-fault'] === undefined) expect(status).not.toBe(500);
        if (status >= 400 && text) {
          const parsed = JSON.parse(text) as Record<string, unknown>;
          const envelope = parsed['error'] as Record<string, unknown> | string | undefined;
          expect(envelope ?? parsed['detail'], text).toBeDefined();
          if (envelope && typeof envelope === 'object') {
            expect(typeof envelope['message']).toBe('string');
            expect(envelope['code']).toBe(status);
          }
        }
      }),
      { numRuns: 400 },
    );
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    const stats = sim.ctx.models[0]!.engine.stats();
    expect(stats.running + stats.waiting).toBe(0);
  });
});
