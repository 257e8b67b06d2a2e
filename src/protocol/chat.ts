/** @module `POST /v1/chat/completions` request schema (vLLM ≥ 0.10.1 field set; unknown fields allowed like pydantic `extra="allow"`). */
import { z } from 'zod';
import { opt, pDict, pList, pStr } from './fields.ts';
import { lBool, lInt } from './lax-fields.ts';
import { samplingFields } from './sampling-fields.ts';
import { ChatToolChoiceSchema, ChatToolSchema } from './openai-tools.ts';

export const ChatMessageSchema = z.looseObject({
  role: pStr(),
  content: opt(z.union([pStr(), pList(z.looseObject({ type: pStr() }))])),
  name: opt(pStr()),
  tool_calls: opt(pList(pDict())),
  tool_call_id: opt(pStr()),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

export const ChatCompletionRequestSchema = z.looseObject({
  ...samplingFields,
  messages: pList(ChatMessageSchema),
  logprobs: opt(lBool()),
  top_logprobs: opt(lInt()),
  max_tokens: opt(lInt()),
  max_completion_tokens: opt(lInt()),
  tools: opt(pList(ChatToolSchema)),
  tool_choice: opt(ChatToolChoiceSchema),
  parallel_tool_calls: opt(lBool()),
  reasoning_effort: opt(pStr()),
  echo: opt(lBool()),
  add_generation_prompt: opt(lBool()),
  continue_final_message: opt(lBool()),
  documents: opt(pList(pDict())),
  chat_template: opt(pStr()),
  chat_template_kwargs: opt(pDict()),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;
