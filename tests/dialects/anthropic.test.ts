/** The Anthropic Messages API (vLLM's variant) through the official `@anthropic-ai/sdk`. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { AUTO_TOOLS, startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let keyed: Simulator;
let client: Anthropic;
const M = 'Qwen/Qwen3-8B';

beforeAll(async () => {
  [sim, keyed] = await Promise.all([startTestServer(AUTO_TOOLS), startTestServer({ apiKeys: ['secret'] })]);
  client = new Anthropic({ baseURL: sim.url, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => {
  await Promise.all([sim.close(), keyed.close()]);
});

describe('Anthropic Messages API', () => {
  it('answers with text blocks and usage, matching chat for the same conversation', async () => {
    const r = await client.messages.create({ model: M, max_tokens: 40, system: 'Be brief.', messages: [{ role: 'user', content: 'Explain caching.' }] });
    expect(r.type).toBe('message');
    expect(r.id).toMatch(/^chatcmpl-/);
    const text = r.content
      .filter((b) => b.type === 'text')
      .map((b) => (b as { text: string }).text)
      .join('');
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
    expect(text).toBe(chat.choices[0].message.content);
    expect(r.usage).toMatchObject({ input_tokens: chat.usage.prompt_tokens, output_tokens: chat.usage.completion_tokens });
    expect(r.stop_reason).toBe(chat.choices[0].finish_reason === 'length' ? 'max_tokens' : 'end_turn');
    const count = await client.messages.countTokens({ model: M, system: 'Be brief.', messages: [{ role: 'user', content: 'Explain caching.' }] });
    expect(count.input_tokens).toBe(chat.usage.prompt_tokens);
  });

  it('streams message_start … message_stop (no ping) and ends with data: [DONE], assembling the same text', async () => {
    const raw = await postRaw(`${sim.url}/v1/messages`, { model: M, max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    expect(raw.text.endsWith('data: [DONE]\n\n')).toBe(true);
    const names = [...raw.text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]);
    expect(names[0]).toBe('message_start');
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(names).not.toContain('ping');
    const stream = client.messages.stream({ model: M, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] });
    let text = '';
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    const plain = await client.messages.create({ model: M, max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] });
    expect(text).toBe((plain.content[0] as { text: string }).text);
    expect(final.usage.output_tokens).toBe(plain.usage.output_tokens);
  });

  it('calls tools with schema-valid input and stop_reason tool_use, streamed as input_json_delta', async () => {
    const input_schema = {
      type: 'object' as const,
      properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 5 } },
      required: ['city', 'days'],
    };
    const body = {
      model: M,
      max_tokens: 200,
      tools: [{ name: 'forecast', description: 'weather', input_schema }],
      tool_choice: { type: 'any' as const },
      messages: [{ role: 'user' as const, content: 'Weather?' }],
    };
    const r = await client.messages.create(body);
    expect(r.stop_reason).toBe('tool_use');
    const use = r.content.find((b) => b.type === 'tool_use') as { input: unknown; name: string };
    expect(use.name).toBe('forecast');
    expect(new Ajv2020().validate(input_schema, use.input)).toBe(true);
    const streamed = await client.messages.stream(body).finalMessage();
    expect(streamed.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'forecast', input: use.input });
    // Every block, parallel calls included, once each and in order: the stream assembles to the plain answer.
    expect(streamed.content).toEqual(r.content);
  });

  it('honours stop_sequences', async () => {
    const free = await client.messages.create({ model: M, max_tokens: 60, messages: [{ role: 'user', content: 'Tell me more.' }] });
    const text = (free.content[0] as { text: string }).text;
    const stop = text.split(' ').slice(3, 5).join(' ');
    const cut = await client.messages.create({ model: M, max_tokens: 60, stop_sequences: [stop], messages: [{ role: 'user', content: 'Tell me more.' }] });
    expect((cut.content[0] as { text: string }).text).toBe(text.slice(0, text.indexOf(stop)));
  });

  it('uses the Anthropic error envelope and accepts x-api-key when a key is set', async () => {
    await expect(client.messages.create({ model: 'nope', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      Anthropic.NotFoundError,
    );
    const bad = await postRaw(`${sim.url}/v1/messages`, { model: M, messages: [] });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ type: 'error', error: { type: 'Bad Request' } });
    const ok = new Anthropic({ baseURL: keyed.url, apiKey: 'secret', maxRetries: 0 });
    expect((await ok.messages.create({ model: M, max_tokens: 3, messages: [{ role: 'user', content: 'x' }] })).type).toBe('message');
    const wrong = new Anthropic({ baseURL: keyed.url, apiKey: 'nope', maxRetries: 0 });
    await expect(wrong.messages.create({ model: M, max_tokens: 3, messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
  });
});
