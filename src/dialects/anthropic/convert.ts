/** @module Anthropic Messages request (validated by its schema) → the shared conversation the planner takes, as vLLM converts it. */
import { contentText } from '../../protocol/content-parts.ts';
import type { AnthropicCountTokensRequest, AnthropicMessage } from '../../protocol/anthropic.ts';
import { conversationIntent, type ChatInput, type Conversation } from '../../pipeline/conversation.ts';
import { toolsAsk, type ToolChoiceAsk } from '../../pipeline/intent.ts';
import type { ChatMessageLike } from '../../tokenizer/tokenizer.ts';

type Body = Record<string, unknown>;

type AnthropicRequest = AnthropicCountTokensRequest & { thinking?: { type?: string | null } | null };

/** The conversation and template inputs (all `count_tokens` needs). */
export function toChat(r: AnthropicRequest): ChatInput {
  const messages: ChatMessageLike[] = [];
  const system = r.system;
  if (typeof system === 'string') messages.push({ role: 'system', content: system });
  else if (Array.isArray(system)) messages.push({ role: 'system', content: contentText(system) });
  for (const m of r.messages) messages.push(...messageOf(m));
  const templateTools = (r.tools ?? []).map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.input_schema } }));
  const kwargs = { ...(r.chat_template_kwargs ?? {}), ...(r.thinking?.type === 'disabled' ? { enable_thinking: false } : {}) };
  return { messages, templateTools: templateTools.length > 0 ? templateTools : null, kwargs: Object.keys(kwargs).length > 0 ? kwargs : null };
}

/** A Messages request as a conversation to answer: tools and tool_choice as vLLM maps them (`any` is `required`). */
export function toConversation(r: AnthropicRequest): Conversation {
  const chat = toChat(r);
  const choice = r.tool_choice;
  const toolChoice: ToolChoiceAsk = !choice
    ? 'auto'
    : choice.type === 'any'
      ? 'required'
      : choice.type === 'tool'
        ? { name: choice.name ?? '' }
        : choice.type === 'none'
          ? 'none'
          : 'auto';
  const tools = toolsAsk(
    (r.tools ?? []).map((t) => ({ name: t.name, parameters: t.input_schema })),
    toolChoice,
    true,
  );
  return { ...chat, intent: conversationIntent(chat.messages, { tools, thinking: chat.kwargs?.['enable_thinking'] !== false, request: r }) };
}

function messageOf(m: AnthropicMessage): ChatMessageLike[] {
  const role = m.role;
  const content = m.content;
  if (typeof content === 'string') return [{ role, content }];
  const out: ChatMessageLike[] = [];
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
