/** @module `/tokenize` (prompt or messages form) and `/detokenize` request schemas. */
import { z } from 'zod';
import { opt, pDict, pList, pStr } from './fields.ts';
import { lBool, lInt } from './lax-fields.ts';
import { ChatMessageSchema } from './chat.ts';
import { ChatToolSchema } from './openai-tools.ts';

export const TokenizeRequestSchema = z.looseObject({
  model: opt(pStr()),
  prompt: opt(pStr()),
  messages: opt(pList(ChatMessageSchema)),
  add_special_tokens: opt(lBool()),
  add_generation_prompt: opt(lBool()),
  continue_final_message: opt(lBool()),
  return_token_strs: opt(lBool()),
  chat_template: opt(pStr()),
  chat_template_kwargs: opt(pDict()),
  // vLLM's TokenizeChatRequest: `list[ChatCompletionToolsParam]`, the chat request's tool type.
  tools: opt(pList(ChatToolSchema)),
});
export type TokenizeRequest = z.infer<typeof TokenizeRequestSchema>;

export const DetokenizeRequestSchema = z.looseObject({
  model: opt(pStr()),
  tokens: pList(lInt()),
});
export type DetokenizeRequest = z.infer<typeof DetokenizeRequestSchema>;
