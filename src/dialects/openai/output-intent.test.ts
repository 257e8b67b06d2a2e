import { describe, it, expect } from 'vitest';
import { chatIntent, completionIntent } from './output-intent.ts';
import { ChatCompletionRequestSchema } from '../../protocol/chat.ts';
import { CompletionRequestSchema } from '../../protocol/completions.ts';
import { parseRequest } from '../../protocol/fields.ts';

const chat = (body: Record<string, unknown>) => chatIntent(parseRequest(ChatCompletionRequestSchema, { messages: [{ role: 'user', content: 'hi' }], ...body }));
const tool = (name: string) => ({ type: 'function', function: { name, parameters: { type: 'object' } } });

describe('OpenAI request → output intent', () => {
  it('reads tools, choice and parallel from the validated fields', () => {
    const i = chat({ tools: [tool('a'), tool('b')], tool_choice: { type: 'function', function: { name: 'b' } }, parallel_tool_calls: 'false' });
    expect(i.tools).toEqual({
      tools: [
        { name: 'a', parameters: { type: 'object' } },
        { name: 'b', parameters: { type: 'object' } },
      ],
      mode: { name: 'b' },
      parallel: false,
    });
    expect(chat({ tools: [tool('a')], tool_choice: 'none' }).tools).toBeNull();
    expect(chat({ tools: [] }).tools).toBeNull();
    expect(chat({ tools: [tool('a')] }).tools?.mode).toBe('auto');
  });

  it('an explicit tool_choice null is text, except a stream on a server with a tool parser (auto), as vLLM', () => {
    const withTools = (x: object) =>
      parseRequest(ChatCompletionRequestSchema, { messages: [{ role: 'user', content: 'hi' }], tools: [tool('a')], tool_choice: null, ...x });
    expect(chatIntent(withTools({}), 'hermes').tools).toBeNull();
    expect(chatIntent(withTools({ stream: true }), null).tools).toBeNull();
    expect(chatIntent(withTools({ stream: true }), 'hermes').tools?.mode).toBe('auto');
  });

  it('structured_outputs wins over response_format; legacy guided_* are its kinds', () => {
    const i = chat({ structured_outputs: { regex: '[ab]' }, response_format: { type: 'json_object' } });
    expect(i.constraint).toEqual({ kind: 'regex', pattern: '[ab]' });
    expect(i.structuredOutputs).toBe(true);
    expect(chat({ guided_choice: ['x', 'y'] }).constraint).toEqual({ kind: 'choice', choices: ['x', 'y'] });
    // vLLM 0.11 types guided_choice as list[str]: a number in it is pydantic's string_type.
    expect(() => chat({ guided_choice: ['x', 1] })).toThrow(/string_type/);
    expect(chat({ guided_choice: ['x'] }).structuredOutputs).toBe(false);
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(chat({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } }).constraint).toEqual({ kind: 'json', schema });
    // vLLM's JsonSchemaResponseFormat: `schema` is a dict (a boolean schema is pydantic's dict_type 400).
    expect(() => chat({ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: true } } })).toThrow(/dict_type/);
    expect(chat({ response_format: { type: 'text' } }).constraint).toBeNull();
  });

  it('thinking and effort from chat_template_kwargs and reasoning_effort', () => {
    expect(chat({ chat_template_kwargs: { enable_thinking: false } }).thinking).toBe(false);
    expect(chat({ reasoning_effort: 'low' })).toMatchObject({ thinking: true, reasoningEffort: 'low' });
  });

  it('completions: the first text prompt, no tools even when sent', () => {
    const i = completionIntent(parseRequest(CompletionRequestSchema, { prompt: ['one', 'two'], tools: 'ignored', response_format: { type: 'json_object' } }));
    expect(i).toMatchObject({ chat: false, prompt: 'one', tools: null, constraint: { kind: 'json', schema: null } });
  });
});
