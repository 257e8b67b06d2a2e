/**
 * The preparation pool (--prepare-workers): the same bytes whichever thread prepared a request (0, 1 and 2 workers,
 * through the openai SDK), and budgets: a job past --max-prepare-ms or over --max-prepare-memory-mb is stopped, its
 * worker replaced, and the client gets the documented 400 while other requests complete. No wall sleeps: every wait
 * is on a response.
 */
import { describe, it, expect, afterAll } from 'vitest';
import OpenAI from 'openai';
import { AUTO_TOOLS, startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import type { PreparePool } from '../../src/pipeline/prepare-pool.ts';

const MODEL = 'Qwen/Qwen3-8B';
const sims: Simulator[] = [];
afterAll(() => Promise.all(sims.map((s) => s.close())));

async function start(workers: number, extra: Record<string, unknown> = {}): Promise<{ sim: Simulator; client: OpenAI }> {
  const sim = await startTestServer({ ...AUTO_TOOLS, prepareWorkers: workers, ...extra });
  sims.push(sim);
  return { sim, client: new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 }) };
}

/** Response ids and `created` differ per request by design; everything else must not. */
const stable = (text: string): string => text.replace(/"(chatcmpl|cmpl|chatcmpl-tool|call)-[0-9a-zA-Z]+"/g, '"<id>"').replace(/"created":\d+/g, '"created":0');

const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

/** Chat and completion requests covering every kind of plan: lazy prose, stop strings, logprobs, n, JSON schema, tools, batches. */
const CHAT_CASES: OpenAI.ChatCompletionCreateParamsNonStreaming[] = [
  { model: MODEL, messages: [{ role: 'user', content: 'Explain caching.' }], max_tokens: 40, seed: 7 },
  {
    model: MODEL,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi there' },
    ],
    max_tokens: 30,
    n: 2,
    logprobs: true,
    top_logprobs: 2,
  },
  { model: MODEL, messages: [{ role: 'user', content: 'Count.' }], max_tokens: 50, stop: [' the', '.'], temperature: 0.5 },
  {
    model: MODEL,
    messages: [{ role: 'user', content: 'A person' }],
    max_tokens: 80,
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'p', schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] } },
    },
  },
  { model: MODEL, messages: [{ role: 'user', content: 'Weather in Paris?' }], max_tokens: 60, tools: [weather], tool_choice: 'required' },
];

const COMPLETION_CASES: OpenAI.CompletionCreateParamsNonStreaming[] = [
  { model: MODEL, prompt: 'Once upon a time', max_tokens: 30, seed: 3 },
  { model: MODEL, prompt: ['First prompt', 'Second one'], max_tokens: 12, logprobs: 2, echo: true },
];

async function answers(client: OpenAI): Promise<string[]> {
  const out: string[] = [];
  for (const body of CHAT_CASES) out.push(stable(await (await client.chat.completions.create(body).asResponse()).text()));
  for (const body of COMPLETION_CASES) out.push(stable(await (await client.completions.create(body).asResponse()).text()));
  let streamed = '';
  for await (const chunk of await client.chat.completions.create({ ...(CHAT_CASES[0] as object), stream: true } as OpenAI.ChatCompletionCreateParamsStreaming))
    streamed += chunk.choices[0]?.delta.content ?? '';
  out.push(streamed);
  return out;
}

describe('preparation pool', () => {
  it('answers byte for byte the same with 0, 1 and 2 workers', async () => {
    const [inline, one, two] = await Promise.all([start(0), start(1), start(2)]);
    const expected = await answers(inline!.client);
    expect(expected.every((a) => a.length > 0)).toBe(true);
    expect(await answers(one!.client)).toEqual(expected);
    expect(await answers(two!.client)).toEqual(expected);
    // Every worker of the 2-worker pool got work: the bytes do not depend on which one prepared a request.
    const again = await Promise.all(
      Array.from({ length: 8 }, () =>
        two!.client.chat.completions
          .create(CHAT_CASES[0]!)
          .asResponse()
          .then((r) => r.text()),
      ),
    );
    expect(new Set(again.map(stable)).size).toBe(1);
    expect(stable(again[0]!)).toBe(expected[0]);
    // Three servers and their workers' tokenizers load on a shared machine: more than the default 30 s budget.
  }, 90_000);

  it('answers errors in the same envelope as inline preparation', async () => {
    const [inline, one] = await Promise.all([start(0), start(1)]);
    const bad = [
      { model: MODEL, messages: [{ role: 'user', content: 'x' }], n: 0 },
      { model: 'nope', messages: [{ role: 'user', content: 'x' }] },
      { model: MODEL, messages: [{ role: 'user', content: 'x' }], max_tokens: 10_000_000 },
      { model: MODEL, messages: 'not a list' },
    ];
    for (const body of bad) {
      const a = await postRaw(`${inline!.sim.url}/v1/chat/completions`, body);
      const b = await postRaw(`${one!.sim.url}/v1/chat/completions`, body);
      expect(b.status).toBe(a.status);
      expect(b.text).toBe(a.text);
    }
  });

  it('stops a job past --max-prepare-ms with a 400 naming the limit, replaces its worker, and keeps serving', async () => {
    const { sim, client } = await start(1, { maxPrepareMs: 1 });
    const pool = sim.ctx.preparer as PreparePool;
    const words = Array.from({ length: 200_000 }, (_, i) => `w${(i * 7919) % 100_003}`).join(' ');
    const slow = postRaw(`${sim.url}/v1/chat/completions`, { model: MODEL, messages: [{ role: 'user', content: words }], max_tokens: 4 });
    const slowCompletion = postRaw(`${sim.url}/v1/completions`, { model: MODEL, prompt: words, max_tokens: 4 });
    const [chat, completion] = await Promise.all([slow, slowCompletion]);
    for (const r of [chat, completion]) {
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text)).toEqual({ error: { message: expect.stringContaining('--max-prepare-ms'), type: 'BadRequestError', param: null, code: 400 } });
    }
    // A small request still completes on the replaced worker (1 ms is plenty for it, or it is answered 400 too).
    const small = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 }).catch((e: unknown) => e);
    if (small instanceof OpenAI.APIError) expect(small.status).toBe(400);
    else expect((small as OpenAI.ChatCompletion).choices[0]?.message.content).toBeTypeOf('string');
    expect(pool.threads()).toBe(1);
    expect(await fetch(`${sim.url}/load`).then((r) => r.json())).toEqual({ server_load: 0 });
  }, 60_000);
});
