/** @module `POST /v1/completions` request schema: prompt as text, texts, token ids or lists of token ids. */
import { z } from 'zod';
import { opt, pBool, pInt, pList, pStr } from './fields.ts';
import { samplingFields } from './sampling-fields.ts';

export const PromptSchema = z.union([pStr(), pList(pStr()), pList(pInt()), pList(pList(pInt()))]);

export const CompletionRequestSchema = z.looseObject({
  ...samplingFields,
  prompt: opt(PromptSchema),
  prompt_embeds: opt(z.unknown()),
  echo: opt(pBool()),
  logprobs: opt(pInt()),
  max_tokens: opt(pInt()),
  suffix: opt(pStr()),
  best_of: opt(pInt()),
});
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;
