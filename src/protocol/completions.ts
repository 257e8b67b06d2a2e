/** @module `POST /v1/completions` request schema: prompt as text, texts, token ids or lists of token ids. */
import { z } from 'zod';
import { opt, pList, pStr } from './fields.ts';
import { lBool, lInt } from './lax-fields.ts';
import { samplingFields } from './sampling-fields.ts';

export const PromptSchema = z.union([pStr(), pList(pStr()), pList(lInt()), pList(pList(lInt()))]);

export const CompletionRequestSchema = z.looseObject({
  ...samplingFields,
  prompt: opt(PromptSchema),
  prompt_embeds: opt(z.unknown()),
  echo: opt(lBool()),
  logprobs: opt(lInt()),
  max_tokens: opt(lInt()),
  suffix: opt(pStr()),
  best_of: opt(lInt()),
});
export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;
