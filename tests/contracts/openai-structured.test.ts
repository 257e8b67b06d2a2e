import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let client: OpenAI;
const MODEL = 'Qwen/Qwen3-8B';

beforeAll(async () => {
  sim = await startTestServer();
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());

const Event = z.object({
  title: z.string(),
  attendees: z
    .array(z.object({ name: z.string(), email: z.string().email() }))
    .min(1)
    .max(3),
  priority: z.enum(['low', 'medium', 'high']),
  starts: z.string().datetime(),
  duration_minutes: z.number().int().min(5).max(240),
  notes: z.string().nullable(),
});

describe('structured output through the openai SDK', () => {
  it('parses a zod-derived json_schema response with chat.completions.parse', async () => {
    for (const seed of [1, 2, 3]) {
      const completion = await client.chat.completions.parse({
        model: MODEL,
        seed,
        messages: [{ role: 'user', content: 'Plan a meeting' }],
        response_format: zodResponseFormat(Event, 'event'),
      });
      const message = completion.choices[0]!.message;
      expect(Event.safeParse(message.parsed).success).toBe(true);
      expect(completion.choices[0]!.finish_reason).toBe('stop');
    }
  });

  it('streams structured output token by token and assembles the same JSON', async () => {
    const body = {
      model: MODEL,
      seed: 4,
      messages: [{ role: 'user' as const, content: 'Plan a meeting' }],
      response_format: zodResponseFormat(Event, 'event'),
    };
    const stream = client.chat.completions.stream(body);
    let chunks = 0;
    stream.on('content', () => chunks++);
    const final = await stream.finalChatCompletion();
    const plain = await client.chat.completions.parse(body);
    expect(final.choices[0]!.message.parsed).toEqual(plain.choices[0]!.message.parsed);
    expect(chunks).toBeGreaterThan(5);
  });

  it('returns a valid JSON object for json_object and honours regex and choice constraints', async () => {
    const obj = await client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'json please' }],
      response_format: { type: 'json_object' },
    });
    expect(typeof JSON.parse(obj.choices[0]!.message.content ?? '')).toBe('object');
    const regex = await postRaw(`${sim.url}/v1/chat/completions`, {
      messages: [{ role: 'user', content: 'code?' }],
      structured_outputs: { regex: '[A-Z]{3}-[0-9]{4}' },
    });
    expect(JSON.parse(regex.text).choices[0].message.content).toMatch(/^[A-Z]{3}-[0-9]{4}$/);
    const choice = await postRaw(`${sim.url}/v1/completions`, { prompt: 'Sentiment:', guided_choice: ['positive', 'negative'] });
    expect(['positive', 'negative']).toContain(JSON.parse(choice.text).choices[0].text);
  });

  it('cuts JSON with finish_reason length when max_tokens is too small, and stop strings never cut JSON', async () => {
    const short = await client.chat.completions.create({
      model: MODEL,
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
      response_format: zodResponseFormat(Event, 'event'),
    });
    expect(short.choices[0]!.finish_reason).toBe('length');
    expect(short.usage?.completion_tokens).toBe(5);
    const full = await client.chat.completions.create({
      model: MODEL,
      seed: 9,
      messages: [{ role: 'user', content: 'x' }],
      response_format: zodResponseFormat(Event, 'event'),
    });
    const stopped = await client.chat.completions.create({
      model: MODEL,
      seed: 9,
      stop: ['"'],
      messages: [{ role: 'user', content: 'x' }],
      response_format: zodResponseFormat(Event, 'event'),
    });
    expect(stopped.choices[0]!.message.content).toBe(full.choices[0]!.message.content);
  });

  it('rejects malformed and unsatisfiable schemas, grammars and mixed constraints with 400', async () => {
    const bad = (extra: Record<string, unknown>) => postRaw(`${sim.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }], ...extra });
    const malformed = await bad({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'nope' } } } });
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text).error.message).toMatch(/invalid JSON schema/);
    const impossible = await bad({ structured_outputs: { json: { type: 'integer', minimum: 3, maximum: 1 } } });
    expect(JSON.parse(impossible.text).error.message).toMatch(/cannot be satisfied/);
    expect((await bad({ structured_outputs: { grammar: 'root ::= "a"' } })).status).toBe(400);
    const both = await bad({ structured_outputs: { regex: 'a', choice: ['a'] } });
    expect(JSON.parse(both.text).error.message).toContain("You can only use one kind of constraints for structured outputs ('json', 'regex' or 'choice').");
    const missing = await bad({ response_format: { type: 'json_schema' } });
    expect(JSON.parse(missing.text).error.message).toContain("When response_format type is 'json_schema', the 'json_schema' field must be provided.");
  });
});
