/** @module `POST /v1/embeddings` request schema (completion-style `input` or chat-style `messages`). */
import { z } from 'zod';
import { opt, pList, pStr } from './fields.ts';
import { lBool, lInt, lIntGe } from './lax-fields.ts';
import { PromptSchema } from './completions.ts';
import { ChatMessageSchema } from './chat.ts';

export const EmbeddingRequestSchema = z.looseObject({
  model: opt(pStr()),
  input: opt(PromptSchema),
  messages: opt(pList(ChatMessageSchema)),
  encoding_format: opt(
    z.enum(['float', 'base64', 'bytes', 'bytes_only'], { error: "literal_error::Input should be 'float', 'base64', 'bytes' or 'bytes_only'" }),
  ),
  dimensions: opt(lInt()),
  user: opt(pStr()),
  // vLLM: Annotated[int, Field(ge=-1)]; below -1 the prompt was cut to nothing (a 500).
  truncate_prompt_tokens: opt(lIntGe(-1)),
  add_special_tokens: opt(lBool()),
  normalize: opt(lBool()),
  priority: opt(lInt()),
  request_id: opt(pStr()),
});
export type EmbeddingRequest = z.infer<typeof EmbeddingRequestSchema>;
