/** The templated chat body is byte for byte the serialised object, for every request shape it takes and the ones it hands back. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fc from 'fast-check';
import { startTestServer } from '../../../tests/helpers/server.ts';
import type { Simulator } from '../../cli/start.ts';
import { prepareChat } from './chat-completions.ts';
import { chatResponseBody, chatResponseJson } from './chat-response.ts';
import { stringifyWithRaw } from '../../protocol/raw-json.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer({ enablePromptTokensDetails: true });
});
afterAll(() => sim.close());

const message = fc.record({ role: fc.constantFrom('user', 'assistant', 'system'), content: fc.string({ unit: 'grapheme', maxLength: 40 }) });

describe('chatResponseJson', () => {
  it('equals JSON.stringify(chatResponseBody) for random requests', () => {
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 3 }),
        fc.record({
          max_tokens: fc.integer({ min: 1, max: 40 }),
          n: fc.integer({ min: 1, max: 3 }),
          seed: fc.integer({ min: 0, max: 1000 }),
          stop: fc.option(fc.array(fc.constantFrom('.', ' the', 'e', '\n'), { maxLength: 2 }), { nil: undefined }),
          echo: fc.boolean(),
          add_generation_prompt: fc.boolean(),
          logprobs: fc.boolean(),
          return_token_ids: fc.boolean(),
          model: fc.constantFrom('Qwen/Qwen3-8B', ''),
        }),
        fc.integer({ min: 0, max: 64 }),
        (messages, options, cached) => {
          const body = { ...options, messages, add_generation_prompt: options.add_generation_prompt && !options.echo };
          const p = prepareChat(sim.ctx, JSON.parse(JSON.stringify(body)) as Record<string, unknown>, options.seed % 2 ? 'req-x"y' : undefined);
          expect(chatResponseJson(sim.ctx, p, cached)).toBe(stringifyWithRaw(chatResponseBody(sim.ctx, p, cached)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
