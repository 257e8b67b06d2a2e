/**
 * Hostile structured-output requests (issue 13), through every entry point: each ends as guided decoding would, cut at
 * max_tokens with finish `length`, or is refused with a 400 in the dialect's envelope; the server keeps answering and
 * its counters return to zero. Sizes are the attacks' own where generation is lazy (minItems 1e8 costs what
 * max_tokens lets through), scaled down only for what the client itself must upload.
 */
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { AUTO_TOOLS, startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { MAX_OBJECT_PROPERTIES, MAX_SCHEMA_PROPERTIES } from '../../src/generate/structured-schema-walk.ts';

let sim: Simulator;
let M: string;
beforeAll(async () => {
  sim = await startTestServer(AUTO_TOOLS);
  M = sim.modelNames[0] as string;
});
afterAll(() => sim.close());

const MAX = 48;
const chat = (extra: Record<string, unknown>) => ({ model: M, messages: [{ role: 'user', content: 'Fill the form.' }], max_tokens: MAX, ...extra });
const jsonSchema = (schema: unknown) => ({ response_format: { type: 'json_schema', json_schema: { name: 'form', schema } } });
const HUGE_ARRAY = { type: 'array', minItems: 1e8, items: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } };
const HUGE_STRING = { type: 'object', properties: { s: { type: 'string', minLength: 1e7 } }, required: ['s'] };

async function post(path: string, body: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const r = await postRaw(`${sim.url}${path}`, body);
  return { status: r.status, json: JSON.parse(r.text) as Record<string, any> };
}

async function expectIdle(): Promise<void> {
  const load = (await (await fetch(`${sim.url}/load`)).json()) as { server_load: number };
  expect(load.server_load).toBe(0);
  const stats = sim.ctx.models[0]!.engine.stats();
  expect([stats.running, stats.waiting]).toEqual([0, 0]);
  // Still answering: a plain request right after.
  const ok = await post('/v1/chat/completions', chat({ max_tokens: 4 }));
  expect(ok.status).toBe(200);
}

describe('structured output is cut at max_tokens, never materialised', () => {
  it.each([
    ['response_format json_schema minItems 1e8', jsonSchema(HUGE_ARRAY)],
    ['response_format json_schema minLength 1e7', jsonSchema(HUGE_STRING)],
    ['structured_outputs json minProperties 1e8', { structured_outputs: { json: { type: 'object', minProperties: 1e8 } } }],
    ['structured_outputs regex a{1000000}', { structured_outputs: { regex: 'a{1000000}' } }],
    ['legacy guided_regex a{1000000}', { guided_regex: 'a{1000000}' }],
    ['legacy guided_json minItems 1e8', { guided_json: HUGE_ARRAY }],
    ['legacy guided_choice of 2 MB', { guided_choice: ['x'.repeat(2_000_000)] }],
    [
      'named tool with minItems 1e8 parameters',
      {
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { xs: HUGE_ARRAY }, required: ['xs'] } } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
      },
    ],
  ])('%s', async (_name, extra) => {
    const body = chat({ ...extra, seed: 1 });
    const { status, json } = await post('/v1/chat/completions', body);
    expect(status, JSON.stringify(json).slice(0, 300)).toBe(200);
    expect(json['choices'][0].finish_reason).toBe('length');
    expect(json['usage'].completion_tokens).toBe(MAX);
    // Determinism: the same request gives the same bytes.
    const again = await post('/v1/chat/completions', body);
    expect(again.json['choices'][0].message).toEqual(json['choices'][0].message);
    await expectIdle();
  });

  it('streams a cut instance and ends with finish_reason length', async () => {
    const r = await postRaw(`${sim.url}/v1/chat/completions`, chat({ ...jsonSchema(HUGE_ARRAY), stream: true }));
    expect(r.status).toBe(200);
    expect(r.text).toContain('"finish_reason":"length"');
    expect(r.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await expectIdle();
  });

  it('cuts through Ollama format, Anthropic input_schema and Responses text.format', async () => {
    const ollama = await post('/api/chat', {
      model: M,
      messages: [{ role: 'user', content: 'x' }],
      stream: false,
      format: HUGE_ARRAY,
      options: { num_predict: MAX },
    });
    expect(ollama.status).toBe(200);
    expect([ollama.json['done_reason'], ollama.json['eval_count']]).toEqual(['length', MAX]);
    const anthropic = await post('/v1/messages', {
      model: M,
      max_tokens: MAX,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'f', input_schema: HUGE_STRING }],
      tool_choice: { type: 'any' },
    });
    expect(anthropic.status).toBe(200);
    expect([anthropic.json['stop_reason'], anthropic.json['usage'].output_tokens]).toEqual(['max_tokens', MAX]);
    const responses = await post('/v1/responses', {
      model: M,
      input: 'x',
      max_output_tokens: MAX,
      text: { format: { type: 'json_schema', name: 'f', schema: HUGE_STRING } },
    });
    expect(responses.status).toBe(200);
    expect([responses.json['status'], responses.json['incomplete_details']]).toEqual(['incomplete', { reason: 'max_output_tokens' }]);
    await expectIdle();
  });
});

describe('constraints llmsim cannot honour are a 400, never a stall or a 500', () => {
  const nested = (levels: number): string => `${'{"type":"object","properties":{"a":'.repeat(levels)}{"type":"string"}${'}}'.repeat(levels)}`;
  const raw = (extra: string) => `{"messages":[{"role":"user","content":"x"}],"max_tokens":8,${extra}}`;

  it.each([
    ['a backtracking-bomb regex with lookahead', chat({ structured_outputs: { regex: '(a|a){28,32}(?=b)' } }), /lookahead assertions/],
    ['a backreference', chat({ guided_regex: '(a)\\1' }), /backreferences/],
    ['a lookahead inside a JSON-schema pattern', chat(jsonSchema({ type: 'string', pattern: '(a|a){28,32}(?=b)' })), /lookahead/],
    [
      'a schema nested 2,500 objects (5,000 JSON levels) deep',
      raw(`"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${nested(2500)}}}`),
      /nest(ed|ing is) deeper than 128 levels/,
    ],
    [
      'tool parameters nested 5,000 levels deep',
      raw(`"tools":[{"type":"function","function":{"name":"f","parameters":${nested(2500)}}}]`),
      /nest(ed|ing is) deeper than 128 levels/,
    ],
    [
      'a required cycle that never closes',
      chat(jsonSchema({ type: 'object', properties: { next: { $ref: '#' } }, required: ['next'] })),
      /nested deeper than 64 levels/,
    ],
  ])('%s', async (_name, body, message) => {
    const { status, json } = await post('/v1/chat/completions', body);
    expect(status).toBe(400);
    expect(['BadRequestError', 'Bad Request'], JSON.stringify(json)).toContain(json['error'].type);
    expect(json['error'].code).toBe(400);
    expect(json['error'].message).toMatch(message);
    await expectIdle();
  });

  it('answers the backtracking pattern without lookahead at once', async () => {
    const { status, json } = await post('/v1/chat/completions', chat({ structured_outputs: { regex: '(a|a){28,32}' } }));
    expect(status).toBe(200);
    expect(json['choices'][0].message.content).toMatch(/^a{28,32}$/);
  });

  it('refuses deep tool schemas through Anthropic and Ollama too', async () => {
    const deep = JSON.parse(nested(200)) as unknown;
    const anthropic = await post('/v1/messages', {
      model: M,
      max_tokens: 8,
      messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'f', input_schema: deep }],
    });
    expect(anthropic.status).toBe(400);
    expect(anthropic.json['type']).toBe('error');
    const ollama = await post('/api/chat', { model: M, messages: [{ role: 'user', content: 'x' }], stream: false, format: deep });
    expect(ollama.status).toBe(400);
    await expectIdle();
  });
});

describe('planned work is capped per request and per batch (llmsim limits)', () => {
  it('refuses n × max_tokens × top_logprobs and a 20-prompt batch of it before planning anything', async () => {
    const heavy = { n: 128, max_tokens: 5900, ignore_eos: true };
    const c = await post('/v1/chat/completions', chat({ ...heavy, logprobs: true, top_logprobs: 20 }));
    expect(c.status).toBe(400);
    expect(c.json['error'].message).toBe(
      "llmsim cannot plan this request: it asks for 755200 output tokens (n × max_tokens, summed over prompts), above the simulator's limit of 2097152. Reduce n, max_tokens or the number of prompts."
        .replace(
          '755200 output tokens (n × max_tokens, summed over prompts)',
          '15859200 logprob entries (n × max_tokens × (1 + top logprobs), summed over prompts)',
        )
        .replace('2097152', '262144')
        .replace('n, max_tokens or', 'n, max_tokens, top_logprobs or'),
    );
    const batch = await post('/v1/completions', { model: M, prompt: Array.from({ length: 20 }, (_, i) => `prompt ${i}`), ...heavy });
    expect(batch.status).toBe(400);
    expect(batch.json['error'].message).toContain('output tokens (n × max_tokens, summed over prompts)');
    // One prompt of that batch, without logprobs, is within the caps: the sum is what tripped.
    const single = await postRaw(`${sim.url}/v1/completions`, { model: M, prompt: 'prompt', n: 16, max_tokens: 5900, ignore_eos: true, stream: true });
    expect(single.status).toBe(200);
    expect(single.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await expectIdle();
  });

  it('stops a request whose choices write too much structured output', async () => {
    const { status, json } = await post('/v1/chat/completions', chat({ ...jsonSchema(HUGE_STRING), n: 64, max_tokens: 4200 }));
    expect(status).toBe(400);
    expect(json['error'].message).toMatch(/structured-output tokens \(summed over choices and prompts\), above the simulator's limit of 262144/);
    await expectIdle();
  });
});

describe('schema size is capped before ajv compiles it (llmsim limits), and ajv never logs', () => {
  // ajv compiles one nested check per property: 2,200 in one object overflowed its stack after ~1.8 s and printed the
  // whole generated validator (megabytes) to the console.
  const flat = (n: number, tag = 'p') => ({
    type: 'object',
    properties: Object.fromEntries(Array.from({ length: n }, (_, i) => [`${tag}${i}`, { type: 'string' }])),
    required: Array.from({ length: n }, (_, i) => `${tag}${i}`),
  });
  const console$ = () => [vi.spyOn(console, 'log'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'error')];
  const tooMany = `has an object with 2200 properties, above llmsim's limit of ${MAX_OBJECT_PROPERTIES}`;

  it.each([
    ['response_format json_schema', jsonSchema(flat(2200)), `the JSON schema ${tooMany}`],
    ['structured_outputs json', { structured_outputs: { json: flat(2200) } }, `the JSON schema ${tooMany}`],
    ['tool parameters', { tools: [{ type: 'function', function: { name: 'f', parameters: flat(2200) } }] }, `the parameters schema of tool "f" ${tooMany}`],
    [
      '3 objects of 700 properties',
      jsonSchema({ type: 'object', properties: { a: flat(700, 'a'), b: flat(700, 'b'), c: flat(700, 'c') } }),
      `the JSON schema has more than ${MAX_SCHEMA_PROPERTIES} properties in all, above llmsim's limit`,
    ],
  ])('refuses %s over the cap at once, logging nothing', async (_name, extra, message) => {
    const spies = console$();
    try {
      const t0 = performance.now();
      const { status, json } = await post('/v1/chat/completions', chat(extra));
      // Wall time only as a loose guard: the refusal is a linear walk (milliseconds), ajv took seconds.
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(status).toBe(400);
      expect(json['error']).toMatchObject({ type: 'BadRequestError', code: 400 });
      expect(json['error'].message).toContain(message);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    await expectIdle();
  });

  it('still writes a 300-property schema, and an unknown format is ignored without a console warning', async () => {
    const spies = console$();
    try {
      const { status, json } = await post('/v1/chat/completions', chat({ ...jsonSchema(flat(300)), max_tokens: 8000, seed: 2 }));
      expect(status, JSON.stringify(json).slice(0, 300)).toBe(200);
      expect(json['choices'][0].finish_reason).toBe('stop');
      expect(Object.keys(JSON.parse(json['choices'][0].message.content) as object)).toHaveLength(300);
      const odd = await post(
        '/v1/chat/completions',
        chat(jsonSchema({ type: 'object', properties: { id: { type: 'string', format: 'no-such-format' } }, required: ['id'] })),
      );
      expect(odd.status).toBe(200);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    await expectIdle();
  });
});
