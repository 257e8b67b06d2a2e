/** @module An echoed prompt that ends in a fragment mark after a quote: the non-streamed completion body is still valid, exact JSON. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let client: OpenAI;
beforeAll(async () => {
  sim = await startTestServer({});
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());

describe('completions echo + logprobs', () => {
  it('answers valid JSON echoing the prompt as sent', async () => {
    const prompt = 'x"\u0000llmsim:raw:0\u0000';
    const models = await client.models.list();
    const model = models.data[0]?.id ?? '';
    const raw = await postRaw(`${sim.url}/v1/completions`, { model, prompt, echo: true, max_tokens: 0, logprobs: 1 });
    expect(raw.status).toBe(200);
    const body = JSON.parse(raw.text) as { choices: { text: string; logprobs: { tokens: string[] } }[] };
    expect(body.choices[0]?.text).toBe(prompt);
    const sdk = await client.completions.create({ model, prompt, echo: true, max_tokens: 0, logprobs: 1 });
    expect(sdk.choices[0]?.text).toBe(prompt);
  });
});
