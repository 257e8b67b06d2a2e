/** @module Anthropic Messages request → the chat shape the planner understands (as vLLM converts it internally). */
import { ApiError } from '../../protocol/errors.ts';
import { contentText } from '../../pipeline/prompt.ts';

type Body = Record<string, unknown>;

const invalid = (message: string): ApiError => new ApiError(400, 'BadRequestError', message);

export interface AnthropicChat {
  readonly messages: Body[];
  readonly body: Body;
  readonly maxTokens: number;
}

export function toChat(r: Body): AnthropicChat {
  if (typeof r['model'] !== 'string' || r['model'] === '') throw invalid('model: Field required');
  if (typeof r['max_tokens'] !== 'number' || !Number.isInteger(r['max_tokens']) || r['max_tokens'] <= 0) throw invalid('max_tokens: Input should be greater than 0');
  if (!Array.isArray(r['messages'])) throw invalid('messages: Field required');
  const messages: Body[] = [];
  const system = r['system'];
  if (typeof system === 'string') messages.push({ role: 'system', content: system });
  else if (Array.isArray(system)) messages.push({ role: 'system', content: blocksText(system) });
  for (const m of r['messages'] as Body[]) messages.push(...messageOf(m));
  const tools = Array.isArray(r['tools']) ? (r['tools'] as Body[]).map((t) => ({ type: 'function', function: { name: t['name'], description: t['description'], parameters: t['input_schema'] } })) : [];
  const choice = r['tool_choice'] as Body | undefined;
  const toolChoice = !choice ? 'auto' : choice['type'] === 'any' ? 'required' : choice['type'] === 'tool' ? { type: 'function', function: { name: choice['name'] } } : choice['type'] === 'none' ? 'none' : 'auto';
  const thinking = (r['thinking'] as Body | undefined)?.['type'];
  const body: Body = {
    messages,
    ...(tools.length > 0 ? { tools, tool_choice: toolChoice } : {}),
    ...(thinking === 'disabled' ? { chat_template_kwargs: { enable_thinking: false } } : {}),
  };
  return { messages, body, maxTokens: r['max_tokens'] as number };
}

function messageOf(m: Body): Body[] {
  const role = m['role'];
  if (role !== 'user' && role !== 'assistant') throw invalid(`messages: role must be 'user' or 'assistant', got ${JSON.stringify(role)}`);
  const content = m['content'];
  if (typeof content === 'string') return [{ role, content }];
  if (!Array.isArray(content)) throw invalid('messages.content: Input should be a valid string or list of content blocks');
  const out: Body[] = [];
  const blocks = content as Body[];
  const text = blocksText(blocks.filter((b) => b['type'] === 'text'));
  const toolUses = blocks.filter((b) => b['type'] === 'tool_use');
  if (role === 'assistant' && toolUses.length > 0) {
    out.push({ role, content: text, tool_calls: toolUses.map((b) => ({ id: b['id'], type: 'function', function: { name: b['name'], arguments: JSON.stringify(b['input'] ?? {}) } })) });
  } else if (text || blocks.every((b) => b['type'] !== 'tool_result')) out.push({ role, content: text });
  for (const b of blocks.filter((x) => x['type'] === 'tool_result')) {
    out.push({ role: 'tool', tool_call_id: b['tool_use_id'], content: typeof b['content'] === 'string' ? b['content'] : Array.isArray(b['content']) ? blocksText(b['content'] as Body[]) : '' });
  }
  return out;
}

function blocksText(blocks: readonly Body[]): string {
  return contentText(blocks);
}
