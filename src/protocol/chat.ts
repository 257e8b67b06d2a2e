/** @module `POST /v1/chat/completions` request schema (vLLM ≥ 0.10.1 field set; unknown fields allowed like pydantic `extra="allow"`). */
import { z } from 'zod';
import { opt, pBool, pDict, pInt, pList, pStr } from './fields.ts';
import { samplingFields } from './sampling-fields.ts';

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
  logprobs: opt(pBool()),
  top_logprobs: opt(pInt()),
  max_tokens: opt(pInt()),
  max_completion_tokens: opt(pInt()),
  tools: opt(pList(pDict())),
  tool_choice: opt(z.union([pStr(), pDict()])),
  parallel_tool_calls: opt(pBool()),
  reasoning_effort: opt(pStr()),
  echo: opt(pBool()),
  add_generation_prompt: opt(pBool()),
  continue_final_message: opt(pBool()),
  documents: opt(pList(pDict())),
  chat_template: opt(pStr()),
  chat_template_kwargs: opt(pDict()),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;
