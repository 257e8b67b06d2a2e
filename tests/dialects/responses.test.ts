/** The OpenAI Responses API through `client.responses.create` / `client.responses.stream`. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { AUTO_TOOLS, startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let client: OpenAI;
const M = 'Qwen/Qwen3-8B';

beforeAll(async () => {
  sim = await startTestServer(AUTO_TOOLS);
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());

describe('Responses API', () => {
  it('creates a response with output_text and usage, matching chat for the same conversation', async () => {
    const r = await client.responses.create({ model: M, instructions: 'Be brief.', input: 'Explain caching.', max_output_tokens: 40 });
    expect(r.object).toBe('response');
    expect(r.id).toMatch(/^resp_/);
    expect(r.output_text.length).toBeGreaterThan(0);
    const chat = JSON.parse(
      (
        await postRaw(`${sim.url}/v1/chat/completions`, {
          model: M,
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Explain caching.' },
          ],
          max_tokens: 40,
        })
      ).text,
    );
    expect(r.output_text).toBe(chat.choices[0].message.content);
    expect(r.usage?.input_tokens).toBe(chat.usage.prompt_tokens);
    expect(r.usage?.output_tokens).toBe(chat.usage.completion_tokens);
    expect(r.status).toBe(chat.choices[0].finish_reason === 'length' ? 'incomplete' : 'completed');
  });

  it('streams named events in order with increasing sequence numbers and no [DONE]', async () => {
    const raw = await postRaw(`${sim.url}/v1/responses`, { model: M, input: 'Hello', max_output_tokens: 12, stream: true });
    expect(raw.text).not.toContain('[DONE]');
    const events = raw.text
      .trim()
      .split('\n\n')
      .map((block) => {
        const [e, d] = block.split('\n') as [string, string];
        return { name: e.slice('event: '.length), data: JSON.parse(d.slice('data: '.length)) as { type: string; sequence_number: number } };
      });
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    for (const e of events) expect(e.data.type).toBe(e.name);
    const names = events.map((e) => e.name);
    expect(names.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(names.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', names[names.length - 1]]);
    expect(['response.completed', 'response.incomplete']).toContain(names[names.length - 1]);
    const stream = client.responses.stream({ model: M, input: 'Hello', max_output_tokens: 12 });
    let text = '';
    stream.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await stream.finalResponse();
    expect(text).toBe(final.output_text);
  });

  it('returns JSON for text.format json_schema and function calls for tools', async () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
      required: ['name', 'age'],
      additionalProperties: false,
    };
    const r = await client.responses.create({ model: M, input: 'person', text: { format: { type: 'json_schema', name: 'person', schema, strict: true } } });
    expect(new Ajv2020().validate(schema, JSON.parse(r.output_text))).toBe(true);
    const tools: OpenAI.Responses.Tool[] = [
      { type: 'function', name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }, strict: false },
    ];
    const t = await client.responses.create({ model: M, input: 'weather?', tools, tool_choice: 'required' });
    const call = t.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather' });
    expect(typeof JSON.parse((call as { arguments: string }).arguments).city).toBe('string');
    const followUp = await client.responses.create({
      model: M,
      input: [
        { role: 'user', content: 'weather?' },
        { type: 'function_call', call_id: (call as { call_id: string }).call_id, name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: (call as { call_id: string }).call_id, output: '{"temp": 21}' },
      ],
      tools,
    });
    expect(followUp.output_text.length).toBeGreaterThan(0);
  });

  it('keeps nothing by default (vLLM: store silently off), so GET /v1/responses/{id} is a 404', async () => {
    const r = await client.responses.create({ model: M, input: 'keep me', store: true, max_output_tokens: 8 });
    expect((r as unknown as { store: boolean }).store).toBe(false);
    await expect(client.responses.retrieve(r.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(client.responses.retrieve('resp_nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    const missing = await postRaw(`${sim.url}/v1/responses`, { model: M });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.text).error.type).toBe('invalid_request_error');
  });
});
