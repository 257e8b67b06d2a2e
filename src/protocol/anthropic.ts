/**
 * @module Anthropic `POST /v1/messages` and `/v1/messages/count_tokens` request schemas, as vLLM's pydantic models
 * (`vllm/entrypoints/anthropic/protocol.py`): typed content blocks, tools and tool choice; lax numbers as pydantic.
 */
import { z } from 'zod';
import { opt, pDict, pList, pStr } from './fields.ts';
import { lBool, lFloat, lInt, pLiteral, pModel } from './lax-fields.ts';

const BLOCK_TYPES = ['text', 'image', 'tool_use', 'tool_result', 'tool_reference', 'thinking', 'redacted_thinking'] as const;

export const AnthropicContentBlockSchema = pModel('AnthropicContentBlock', {
  type: pLiteral(BLOCK_TYPES),
  text: opt(pStr()),
  source: opt(pDict()),
  id: opt(pStr()),
  tool_use_id: opt(pStr()),
  name: opt(pStr()),
  input: opt(pDict()),
  content: opt(z.union([pStr(), pList(pDict())])),
  is_error: opt(lBool()),
  tool_name: opt(pStr()),
  thinking: opt(pStr()),
  signature: opt(pStr()),
  data: opt(pStr()),
});
export type AnthropicContentBlock = z.infer<typeof AnthropicContentBlockSchema>;

/** Claude Code ≥ 2.1.154 sends `ctx` and `msg` roles; vLLM maps them to `user` before validating. */
const ROLE_ALIASES: Readonly<Record<string, string>> = { ctx: 'user', msg: 'user' };

export const AnthropicMessageSchema = pModel('AnthropicMessage', {
  role: z.preprocess((v) => (typeof v === 'string' ? (ROLE_ALIASES[v] ?? v) : v), pLiteral(['user', 'assistant', 'system'])),
  content: z.union([pStr(), pList(AnthropicContentBlockSchema)]),
});
export type AnthropicMessage = z.infer<typeof AnthropicMessageSchema>;

export const AnthropicToolSchema = pModel('AnthropicTool', {
  name: pStr(),
  description: opt(pStr()),
  input_schema: pDict(),
  strict: opt(lBool()),
  defer_loading: opt(lBool()),
});

export const AnthropicToolChoiceSchema = pModel('AnthropicToolChoice', {
  type: pLiteral(['auto', 'any', 'tool', 'none']),
  name: opt(pStr()),
}).superRefine((v, ctx) => {
  if (v.type === 'tool' && !v.name) ctx.addIssue({ code: 'custom', message: "value_error::Value error, tool_choice.name is required when type is 'tool'" });
});

const common = {
  model: pStr().refine((v) => v !== '', { message: 'value_error::Value error, Model is required' }),
  messages: pList(AnthropicMessageSchema),
  system: opt(z.union([pStr(), pList(AnthropicContentBlockSchema)])),
  tool_choice: opt(AnthropicToolChoiceSchema),
  tools: opt(pList(AnthropicToolSchema)),
  chat_template_kwargs: opt(pDict()),
};

export const AnthropicMessagesRequestSchema = z.looseObject({
  ...common,
  max_tokens: lInt().refine((v) => v > 0, { message: 'value_error::Value error, max_tokens must be positive' }),
  metadata: opt(pDict()),
  // vLLM's AnthropicOutputConfig (llmsim does not act on it; typed so a malformed one is vLLM's 400).
  output_config: opt(
    pModel('AnthropicOutputConfig', {
      effort: opt(pLiteral(['low', 'medium', 'high', 'xhigh', 'max'])),
      format: opt(pModel('AnthropicJsonOutputFormat', { schema: opt(pDict()), type: pLiteral(['json_schema']).optional() })),
    }),
  ),
  stop_sequences: opt(pList(pStr())),
  stream: opt(lBool()),
  temperature: opt(lFloat()),
  top_k: opt(lInt()),
  top_p: opt(lFloat()),
  thinking: opt(pModel('AnthropicThinking', { type: opt(pStr()), budget_tokens: opt(lInt()) })),
  kv_transfer_params: opt(pDict()),
});
export type AnthropicMessagesRequest = z.infer<typeof AnthropicMessagesRequestSchema>;

export const AnthropicCountTokensRequestSchema = z.looseObject(common);
export type AnthropicCountTokensRequest = z.infer<typeof AnthropicCountTokensRequestSchema>;
