/** The same conversation through every dialect gives the same text and token counts (same planner, same engine). */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer();
});
afterAll(() => sim.close());

const M = 'Qwen/Qwen3-8B';
const system = 'You are terse.';
const user = 'What is a KV cache?';
const json = async (path: string, body: unknown): Promise<Record<string, unknown>> =>
  JSON.parse((await postRaw(`${sim.url}${path}`, body)).text) as Record<string, unknown>;

describe('one engine, four dialects', () => {
  it('gives the same text and counts through OpenAI chat, Ollama, Responses and Anthropic', async () => {
    const messages = [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ];
    // Ollama first: its prompt_eval_count excludes prefix-cache hits, which later identical prompts would get.
    const ollama = (await json('/api/chat', { model: M, messages, stream: false, options: { num_predict: 50 } })) as {
      message: { content: string };
      prompt_eval_count: number;
      eval_count: number;
    };
    const chat = (await json('/v1/chat/completions', { model: M, messages, max_tokens: 50 })) as {
      choices: { message: { content: string } }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    const responses = (await json('/v1/responses', { model: M, instructions: system, input: user, max_output_tokens: 50 })) as {
      output: { content?: { text: string }[] }[];
      usage: { input_tokens: number; output_tokens: number };
    };
    const anthropic = (await json('/v1/messages', { model: M, system, max_tokens: 50, messages: [{ role: 'user', content: user }] })) as {
      content: { text: string }[];
      usage: { input_tokens: number; output_tokens: number };
    };
    const text = chat.choices[0]!.message.content;
    expect(ollama.message.content).toBe(text);
    expect(responses.output[0]!.content![0]!.text).toBe(text);
    expect(anthropic.content[0]!.text).toBe(text);
    for (const [p, c] of [
      [ollama.prompt_eval_count, ollama.eval_count],
      [responses.usage.input_tokens, responses.usage.output_tokens],
      [anthropic.usage.input_tokens, anthropic.usage.output_tokens],
    ]) {
      expect(p).toBe(chat.usage.prompt_tokens);
      expect(c).toBe(chat.usage.completion_tokens);
    }
  });

  it('keeps the same seed-determined text through OpenAI and Ollama', async () => {
    const messages = [{ role: 'user', content: user }];
    const a = (await json('/v1/chat/completions', { model: M, messages, max_tokens: 30, seed: 9 })) as { choices: { message: { content: string } }[] };
    const b = (await json('/api/chat', { model: M, messages, stream: false, options: { num_predict: 30, seed: 9 } })) as { message: { content: string } };
    expect(b.message.content).toBe(a.choices[0]!.message.content);
  });
});
