/**
 * @module Logprobs clients compute with: lm-eval's echo request shape and `is_greedy`, and a property test that every
 * list is a sorted sub-distribution holding the sampled token's rank.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import OpenAI from 'openai';
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

interface LegacyLogprobs {
  tokens: string[];
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[];
  text_offset: number[];
}
type PromptEntry = Record<string, { logprob: number; rank: number }> | null;

const ids = async (text: string): Promise<number[]> =>
  (JSON.parse((await postRaw(`${sim.url}/tokenize`, { prompt: text, add_special_tokens: false })).text) as { tokens: number[] }).tokens;
const completion = async (body: Record<string, unknown>) => {
  const r = await postRaw(`${sim.url}/v1/completions`, { model: MODEL, ...body });
  expect(r.status).toBe(200);
  return JSON.parse(r.text) as { choices: { text: string; logprobs: LegacyLogprobs; prompt_logprobs: PromptEntry[] | null }[] };
};

/** lm-eval's `local-completions` `parse_logprobs`: sum over the continuation, greedy when every token's logprob is its position's max. */
function lmEvalParse(logprobs: LegacyLogprobs, ctxlen: number): { logprob: number; isGreedy: boolean } {
  const tokenLogprobs = logprobs.token_logprobs.slice(ctxlen, -1) as number[];
  const top = logprobs.top_logprobs.slice(ctxlen, -1) as Record<string, number>[];
  const isGreedy = tokenLogprobs.every((lp, i) => lp === Math.max(...Object.values(top[i]!)));
  return { logprob: tokenLogprobs.reduce((s, x) => s + x, 0), isGreedy };
}

const sum = (lps: number[]): number => lps.reduce((s, lp) => s + Math.exp(lp), 0);
const sortedDesc = (lps: number[]): boolean => lps.every((lp, i) => i === 0 || lp <= lps[i - 1]!);

describe('echo logprobs in the lm-eval request shape', () => {
  it('gives each prompt token k (+1 when not in the top k) alternatives, consistent with prompt_logprobs and is_greedy', async () => {
    const context = await ids('Question: What is the capital of France?\nAnswer:');
    let greedy = 0;
    let notGreedy = 0;
    for (const continuation of [' Paris', ' The capital of France is Paris, a city on the Seine.', ' London', ' It is Lyon, I think.']) {
      const prompt = [...context, ...(await ids(continuation))];
      // lm-eval: tokenized prompt, echo, logprobs 1, max_tokens 1, temperature 0, a fixed seed.
      const body = { prompt, echo: true, max_tokens: 1, logprobs: 1, temperature: 0, seed: 1234 };
      const [plain, withPrompt] = await Promise.all([completion(body), completion({ ...body, prompt_logprobs: 1 })]);
      const lp = plain.choices[0]!.logprobs;
      expect(lp.tokens).toHaveLength(prompt.length + 1);
      expect(lp.token_logprobs[0]).toBeNull();
      expect(lp.top_logprobs[0]).toBeNull();
      const prompted = withPrompt.choices[0]!;
      expect(prompted.logprobs).toEqual(lp);
      for (let i = 1; i < prompt.length; i++) {
        const top = lp.top_logprobs[i]!;
        const entry = prompted.prompt_logprobs![i]!;
        const own = entry[String(prompt[i])]!;
        expect(own.logprob).toBe(lp.token_logprobs[i]);
        // rank 1: the token is the top-1 entry itself; otherwise the top-1 plus the token.
        expect(Object.keys(top)).toHaveLength(own.rank === 1 ? 1 : 2);
        expect(Object.keys(entry)).toHaveLength(own.rank === 1 ? 1 : 2);
        expect(Math.max(...Object.values(top))).toBe(Math.max(...Object.values(entry).map((e) => e.logprob)));
        expect(sum(Object.values(top))).toBeLessThanOrEqual(1);
      }
      const parsed = lmEvalParse(lp, context.length);
      const ranks = prompted.prompt_logprobs!.slice(context.length).map((e) => Object.values(e!)[0]!.rank);
      expect(parsed.isGreedy).toBe(ranks.every((r) => r === 1));
      if (parsed.isGreedy) greedy++;
      else notGreedy++;
      expect(parsed.logprob).toBeLessThan(0);
    }
    // Not all greedy (the bug made every continuation greedy): the long ones have some token off the top.
    expect(notGreedy).toBeGreaterThan(0);
    expect(greedy + notGreedy).toBe(4);
  });

  it('echo with max_tokens 0 returns only the prompt with its logprobs, and streams the same prompt logprobs', async () => {
    const prompt = 'The quick brown fox jumps over the lazy dog';
    const only = await completion({ prompt, echo: true, max_tokens: 0, logprobs: 2 });
    expect(only.choices[0]!.text).toBe(prompt);
    const lp = only.choices[0]!.logprobs;
    expect(lp.tokens.join('')).toBe(prompt);
    for (const top of lp.top_logprobs.slice(1)) expect([2, 3]).toContain(Object.keys(top!).length);
    const streamed = await client.completions.create({ model: MODEL, prompt, echo: true, max_tokens: 3, logprobs: 2, stream: true });
    const first = (await streamed[Symbol.asyncIterator]().next()).value as OpenAI.Completion;
    const head = first.choices[0]!.logprobs!;
    expect(head.top_logprobs!.slice(0, lp.tokens.length)).toEqual(lp.top_logprobs);
    expect(head.token_logprobs!.slice(0, lp.tokens.length)).toEqual(lp.token_logprobs);
  });
});

describe('generated logprobs are a sorted sub-distribution holding the sampled token', () => {
  it('chat and completions, streamed or not, over random sampling settings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          chat: fc.boolean(),
          k: fc.integer({ min: 0, max: 6 }),
          temperature: fc.constantFrom(0, 0.2, 0.7, 1, 1.6),
          top_p: fc.constantFrom(1, 0.9, 0.5),
          top_k: fc.constantFrom(0, -1, 1, 3, 50),
          seed: fc.integer({ min: 0, max: 1000 }),
          max_tokens: fc.integer({ min: 1, max: 10 }),
        }),
        async (r) => {
          const base = {
            model: MODEL,
            temperature: r.temperature,
            top_p: r.top_p,
            top_k: r.top_k,
            seed: r.seed,
            max_tokens: r.max_tokens,
            return_tokens_as_token_ids: true,
          };
          const greedy = r.temperature === 0 || r.top_k === 1;
          if (r.chat) {
            const body = { ...base, messages: [{ role: 'user' as const, content: `Tell me about seed ${r.seed}.` }], logprobs: true, top_logprobs: r.k };
            const plain = await client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
            const stream = await client.chat.completions.create({ ...body, stream: true } as OpenAI.ChatCompletionCreateParamsStreaming);
            const streamed: OpenAI.ChatCompletionTokenLogprob[] = [];
            for await (const chunk of stream) streamed.push(...(chunk.choices[0]?.logprobs?.content ?? []));
            const content = plain.choices[0]!.logprobs!.content!;
            expect(streamed).toEqual(content);
            for (const e of content) {
              const lps = e.top_logprobs.map((t) => t.logprob);
              expect(lps).toHaveLength(r.k);
              expect(sortedDesc(lps)).toBe(true);
              expect(sum(lps)).toBeLessThanOrEqual(1);
              expect(e.logprob).toBeLessThan(0);
              const at = e.top_logprobs.findIndex((t) => t.token === e.token);
              if (at >= 0) expect(e.top_logprobs[at]!.logprob).toBe(e.logprob);
              else if (r.k > 0) expect(e.logprob).toBeLessThanOrEqual(lps[r.k - 1]!);
              if (greedy && r.k > 0) expect(at).toBe(0);
              if (r.top_k > 0 && r.k >= r.top_k) expect(at).toBeGreaterThanOrEqual(0);
            }
          } else {
            const body = { ...base, prompt: `Seed ${r.seed} says`, logprobs: r.k };
            const plain = await client.completions.create(body);
            const stream = await client.completions.create({ ...body, stream: true });
            const top: Record<string, number>[] = [];
            const own: number[] = [];
            const tokens: string[] = [];
            for await (const chunk of stream) {
              const lp = chunk.choices[0]?.logprobs;
              if (!lp) continue;
              top.push(...(lp.top_logprobs as Record<string, number>[]));
              own.push(...(lp.token_logprobs as number[]));
              tokens.push(...lp.tokens!);
            }
            const lp = plain.choices[0]!.logprobs!;
            expect(top).toEqual(lp.top_logprobs);
            expect(own).toEqual(lp.token_logprobs);
            lp.top_logprobs!.forEach((t, i) => {
              const values = Object.values(t);
              const token = tokens[i]!;
              expect(t[token]).toBe(own[i]);
              expect([r.k, r.k + 1]).toContain(values.length);
              expect(sortedDesc(values)).toBe(true);
              expect(sum(values)).toBeLessThanOrEqual(1);
              // k + 1 entries: the token was outside the top k and comes last, least likely.
              if (values.length === r.k + 1) expect(Object.keys(t).at(-1)).toBe(token);
              if (greedy) expect(Math.max(...values)).toBe(own[i]);
            });
          }
        },
      ),
      { numRuns: 30, seed: 15 },
    );
  });
});
