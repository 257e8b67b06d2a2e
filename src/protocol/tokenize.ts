/** @module `/tokenize` (prompt or messages form) and `/detokenize` request schemas. */
import { z } from 'zod';
import { opt, pBool, pDict, pInt, pList, pStr } from './fields.ts';
import { ChatMessageSchema } from './chat.ts';

export const TokenizeRequestSchema = z.looseObject({
  model: opt(pStr()),
  prompt: opt(pStr()),
  messages: opt(pList(ChatMessageSchema)),
  add_special_tokens: opt(pBool()),
  add_generation_prompt: opt(pBool()),
  continue_final_message: opt(pBool()),
  return_token_strs: opt(pBool()),
  chat_template: opt(pStr()),
  chat_template_kwargs: opt(pDict()),
  tools: opt(pList(pDict())),
});
export type TokenizeRequest = z.infer<typeof TokenizeRequestSchema>;

export const DetokenizeRequestSchema = z.looseObject({
  model: opt(pStr()),
  tokens: pList(pInt()),
});
export type DetokenizeRequest = z.infer<typeof DetokenizeRequestSchema>;
