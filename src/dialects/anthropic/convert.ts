/** @module Anthropic Messages request (validated by its schema) → the chat shape the planner understands, as vLLM converts it. */
import { contentText } from '../../protocol/content-parts.ts';
import type { AnthropicCountTokensRequest, AnthropicMessage } from '../../protocol/anthropic.ts';

type Body = Record<string, unknown>;

export interface AnthropicChat {
  readonly messages: Body[];
  readonly body: Body;
}

export function toChat(r: AnthropicCountTokensRequest & { thinking?: { type?: string | null } | null }): AnthropicChat {
  const messages: Body[] = [];
  const system = r.system;
  if (typeof system === 'string') messages.push({ role: 'system', content: system });
  else if (Array.isArray(system)) messages.push({ role: 'system', content: contentText(system) });
  for (const m of r.messages) messages.push(...messageOf(m));
  const tools = (r.tools ?? []).map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.input_schema } }));
  const choice = r.tool_choice;
  const toolChoice = !choice
    ? 'auto'
    : choice.type === 'any'
      ? 'required'
      : choice.type === 'tool'
        ? { type: 'function', function: { name: choice.name } }
        : choice.type === 'none'
          ? 'none'
          : 'auto';
  const kwargs = { ...(r.chat_template_kwargs ?? {}), ...(r.thinking?.type === 'disabled' ? { enable_thinking: false } : {}) };
  const body: Body = {
    messages,
    ...(tools.length > 0 ? { tools, tool_choice: toolChoice } : {}),
    ...(Object.keys(kwargs).length > 0 ? { chat_template_kwargs: kwargs } : {}),
  };
  return { messages, body };
}

function messageOf(m: AnthropicMessage): Body[] {
  const role = m.role;
  const content = m.content;
  if (typeof content === 'string') return [{ role, content }];
  const out: Body[] = [];
  const text = contentText(content.filter((b) => b.type === 'text'));
  const toolUses = content.filter((b) => b.type === 'tool_use');
  if (role === 'assistant' && toolUses.length > 0) {
    out.push({
      role,
      content: text,
      tool_calls: toolUses.map((b) => ({ id: b.id, type: 'function', function: { name: b.name, arguments: JSON.stringify(b.input ?? {}) } })),
    });
  } else if (text || content.every((b) => b.type !== 'tool_result')) out.push({ role, content: text });
  for (const b of content.filter((x) => x.type === 'tool_result')) {
    out.push({
      role: 'tool',
      tool_call_id: b.tool_use_id,
      content: typeof b.content === 'string' ? b.content : Array.isArray(b.content) ? contentText(b.content as Body[]) : '',
    });
  }
  return out;
}
