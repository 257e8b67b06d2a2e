/** @module Responses API objects: output items built from a plan, usage, and the response envelope. */
import type { ChoicePlan } from '../../generate/plan.ts';
import type { ResponsesRequest } from '../../protocol/responses.ts';
import type { FunctionCallItem, MessageItem, OutputItem, OutputText, ReasoningItem, ResponseObject, ResponseUsage } from './response-types.ts';

export interface ItemIds {
  readonly message: string;
  readonly reasoning: string;
  readonly call: (i: number) => string;
}

/** Output items in order: reasoning, message, function calls (present ones only). */
export function outputItems(plan: ChoicePlan, ids: ItemIds, status: 'completed' | 'incomplete'): OutputItem[] {
  const items: OutputItem[] = [];
  if (plan.reasoning) items.push(reasoningItem(ids.reasoning, plan.reasoning.text, status));
  if (plan.text || plan.toolCalls.length === 0) items.push(messageItem(ids.message, plan.text, status));
  plan.toolCalls.forEach((call, i) => items.push(callItem(ids.call(i), call.id, call.name, call.text, status)));
  return items;
}

export function reasoningItem(id: string, text: string, status: string): ReasoningItem {
  return { id, type: 'reasoning', summary: [], content: text ? [{ type: 'reasoning_text', text }] : [], encrypted_content: null, status };
}

export function messageItem(id: string, text: string, status: string): MessageItem {
  return { id, type: 'message', role: 'assistant', status, content: text || status !== 'in_progress' ? [textPart(text)] : [] };
}

export function textPart(text: string): OutputText {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function callItem(id: string, callId: string, name: string, args: string, status: string): FunctionCallItem {
  return { id, type: 'function_call', call_id: callId, name, arguments: args, status };
}

export function usageOf(promptTokens: number, cachedTokens: number, plan: ChoicePlan | null): ResponseUsage {
  const output = plan?.tokenCount ?? 0;
  const reasoning = plan ? countReasoning(plan) : 0;
  return {
    input_tokens: promptTokens,
    input_tokens_details: { cached_tokens: cachedTokens },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning, tool_output_tokens: 0 },
    total_tokens: promptTokens + output,
  };
}

/** Tokens spent before the reasoning channel reached its full length. */
function countReasoning(plan: ChoicePlan): number {
  const r = plan.reasoning;
  if (!r) return 0;
  const full = r.text.length;
  const i = r.cum.findIndex((c) => c >= full);
  return i < 0 ? plan.tokenCount : i + 1;
}

/** The response object (all fields, as vLLM serves it). */
export function responseObject(
  r: ResponsesRequest,
  fields: {
    id: string;
    model: string;
    createdAt: number;
    status: string;
    output: readonly OutputItem[];
    usage: ResponseUsage | null;
    maxOutputTokens: number;
    incomplete: boolean;
  },
): ResponseObject {
  return {
    id: fields.id,
    object: 'response',
    created_at: fields.createdAt,
    status: fields.status,
    error: null,
    incomplete_details: fields.incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: r.instructions ?? null,
    max_output_tokens: fields.maxOutputTokens,
    max_tool_calls: null,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: r.parallel_tool_calls !== false,
    previous_response_id: r.previous_response_id ?? null,
    prompt: null,
    reasoning: r.reasoning ?? null,
    service_tier: 'auto',
    store: r.store !== false,
    temperature: r.temperature ?? 1.0,
    text: r.text ?? { format: { type: 'text' } },
    tool_choice: r.tool_choice ?? 'auto',
    tools: r.tools ?? [],
    top_logprobs: 0,
    top_p: r.top_p ?? 1.0,
    truncation: 'disabled',
    usage: fields.usage,
    user: null,
    metadata: r.metadata ?? null,
  };
}
