/**
 * @module JSON mode through real clients: each sends only `response_format: {type: "json_object"}` and puts the shape
 * in the prompt (request bodies captured from these versions: Vercel `ai` 6 + `@ai-sdk/openai-compatible` 2, LangChain
 * JS 1.4), and parses the answer with its zod schema. llmsim must answer an instance of the prompt's schema or example.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { z } from 'zod';
import { generateObject } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { StructuredOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import OpenAI from 'openai';
import { Ollama } from 'ollama';
import { startTestServer } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const MODEL = 'Qwen/Qwen3-8B';

const Person = z.object({
  name: z.string().describe('full name'),
  age: z.number().int().min(0).max(130),
  email: z.string().email(),
  role: z.enum(['admin', 'editor', 'viewer']),
  tags: z.array(z.string()).max(5),
});

const Joke = z.object({ setup: z.string(), punchline: z.string(), rating: z.number().int() });

let sim: Simulator;
/** Request bodies the clients sent and the assistant content they got, in order. */
let exchanges: { body: Record<string, unknown>; content: string }[] = [];

/** A fetch that records what the client sent and the JSON text it got back (the clients' own parsing is unchanged). */
const recordingFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const text = await res.clone().text();
  const parsed = JSON.parse(text) as { choices?: { message?: { content?: string } }[] };
  exchanges.push({ body: JSON.parse(String(init?.body)) as Record<string, unknown>, content: parsed.choices?.[0]?.message?.content ?? '' });
  return res;
};

beforeAll(async () => {
  (globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;
  sim = await startTestServer();
});
afterAll(() => sim.close());

function chatOpenAI(): ChatOpenAI {
  return new ChatOpenAI({ model: MODEL, apiKey: 'x', maxRetries: 0, configuration: { baseURL: `${sim.url}/v1`, fetch: recordingFetch } });
}

/** Runs `call` twice: same request body, same answer bytes; returns the first result. */
async function twice<T>(call: () => Promise<T>): Promise<T> {
  exchanges = [];
  const first = await call();
  await call();
  expect(exchanges).toHaveLength(2);
  expect(exchanges[1]!.body).toEqual(exchanges[0]!.body);
  expect(exchanges[0]!.body['response_format']).toEqual({ type: 'json_object' });
  expect(exchanges[1]!.content).toBe(exchanges[0]!.content);
  return first;
}

describe('json_object answers follow the schema in the prompt (real clients)', () => {
  it('Vercel generateObject through createOpenAICompatible, schema in the system prompt as the SDK words it', async () => {
    const provider = createOpenAICompatible({ name: 'llmsim', baseURL: `${sim.url}/v1`, apiKey: 'x', fetch: recordingFetch });
    // This provider sends no schema in json mode (it warns "responseFormat ... not supported"); users add it, here in
    // the wording of the SDK's own injectJsonInstruction (@ai-sdk/provider-utils).
    const system = `JSON schema:\n${JSON.stringify(z.toJSONSchema(Person))}\nYou MUST answer with a JSON object that matches the JSON schema above.`;
    const { object } = await twice(() => generateObject({ model: provider(MODEL), schema: Person, system, prompt: 'Invent a person.' }));
    expect(Person.safeParse(object).success).toBe(true);
  });

  it('LangChain withStructuredOutput(zod, {method: "jsonMode"}) with a JSON example in the prompt', async () => {
    const structured = chatOpenAI().withStructuredOutput(Joke, { method: 'jsonMode' });
    const prompt = 'Tell me a joke about cats. Respond in JSON like {"setup": "...", "punchline": "...", "rating": 7}';
    const joke = await twice(() => structured.invoke(prompt));
    expect(Joke.safeParse(joke).success).toBe(true);
  });

  it('LangChain StructuredOutputParser.fromZodSchema format instructions (doubled-brace example, fenced schema)', async () => {
    const parser = StructuredOutputParser.fromZodSchema(Person);
    const prompt = ChatPromptTemplate.fromTemplate('Answer the user query.\n{format_instructions}\n{query}');
    const chain = prompt.pipe(chatOpenAI().withConfig({ response_format: { type: 'json_object' } })).pipe(parser);
    const person = await twice(() => chain.invoke({ query: 'Invent a person.', format_instructions: parser.getFormatInstructions() }));
    expect(Person.safeParse(person).success).toBe(true);
    const sent = JSON.stringify(exchanges[0]!.body['messages']);
    expect(sent).toContain('{{\\"properties\\": {{');
    expect(sent).toContain('```json');
  });

  it('LangChain jsonMode with the keys named only in prose (no schema, no example)', async () => {
    const structured = chatOpenAI().withStructuredOutput(Joke, { method: 'jsonMode' });
    const joke = await twice(() =>
      structured.invoke('Tell me a joke about cats. Return a JSON object with the keys `setup`, `punchline` and `rating` (integer).'),
    );
    expect(Joke.safeParse(joke).success).toBe(true);
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const content = 'Describe a book. Output JSON with these fields:\n- title: the book title\n- year (integer): first published\n- tags: a few genres';
    const res = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }], response_format: { type: 'json_object' } });
    const Book = z.object({ title: z.string(), year: z.number().int(), tags: z.array(z.string()) }).strict();
    expect(Book.safeParse(JSON.parse(res.choices[0]!.message.content ?? '')).success).toBe(true);
  });

  it('keeps the generic object when the prompt shows no shape', async () => {
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const messages = [{ role: 'user' as const, content: 'json please' }];
    const res = await client.chat.completions.create({ model: MODEL, messages, response_format: { type: 'json_object' } });
    expect(Object.keys(JSON.parse(res.choices[0]!.message.content ?? '') as object)).toContain('answer');
  });

  it('keeps the generic object for prose that mentions keys or fields without naming any', async () => {
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
    for (const content of ['Sort the keys alphabetically or by value.', 'Validate the fields carefully and report errors as JSON.']) {
      const res = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }], response_format: { type: 'json_object' } });
      expect(Object.keys(JSON.parse(res.choices[0]!.message.content ?? '') as object), content).toContain('answer');
    }
  });

  it('Ollama format "json" and Responses text.format json_object take the prompt schema too', async () => {
    const schema = JSON.stringify(z.toJSONSchema(Joke));
    const ollama = new Ollama({ host: sim.url });
    const chat = await ollama.chat({ model: MODEL, format: 'json', messages: [{ role: 'user', content: `A cat joke as JSON matching ${schema}` }] });
    expect(Joke.safeParse(JSON.parse(chat.message.content)).success).toBe(true);
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const res = await client.responses.create({ model: MODEL, input: `A cat joke as JSON matching ${schema}`, text: { format: { type: 'json_object' } } });
    expect(Joke.safeParse(JSON.parse(res.output_text)).success).toBe(true);
  });

  it('falls back to the generic object, not a 400, for a prompt schema llmsim cannot satisfy', async () => {
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
    const impossible = JSON.stringify({ type: 'object', properties: { a: { type: 'string', minLength: 5, maxLength: 2 } }, required: ['a'] });
    const remote = JSON.stringify({ type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } }, required: ['a'] });
    for (const schema of [impossible, remote]) {
      const messages = [{ role: 'user' as const, content: `JSON schema:\n${schema}` }];
      const res = await client.chat.completions.create({ model: MODEL, messages, response_format: { type: 'json_object' } });
      expect(Object.keys(JSON.parse(res.choices[0]!.message.content ?? '') as object)).toContain('answer');
      // The same schema sent as the client's contract is the client's 400: the fallback is what kept the one above a 200.
      const jsonSchema = { name: 's', schema: JSON.parse(schema) as Record<string, unknown> };
      const strict = client.chat.completions.create({ model: MODEL, messages, response_format: { type: 'json_schema', json_schema: jsonSchema } });
      await expect(strict).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    }
  });
});
