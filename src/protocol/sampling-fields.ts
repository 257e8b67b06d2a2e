/** @module Request fields shared by chat and completions: OpenAI sampling fields plus vLLM's extra sampling and engine params. */
import { z } from 'zod';
import { opt, pDict, pList, pStr } from './fields.ts';
import { lBool, lFloat, lInt, lIntGe } from './lax-fields.ts';
import { AnyResponseFormatSchema } from './response-format.ts';
import { guidedFields, StructuredOutputsSchema } from './structured-outputs.ts';

export const StreamOptionsSchema = z.looseObject({
  include_usage: opt(lBool()),
  continuous_usage_stats: opt(lBool()),
});

export const samplingFields = {
  model: opt(pStr()),
  frequency_penalty: opt(lFloat()),
  presence_penalty: opt(lFloat()),
  logit_bias: opt(z.record(z.string(), lFloat())),
  n: opt(lInt()),
  seed: opt(lInt()),
  stop: opt(z.union([pStr(), pList(pStr())])),
  stream: opt(lBool()),
  stream_options: opt(StreamOptionsSchema),
  temperature: opt(lFloat()),
  top_p: opt(lFloat()),
  user: opt(pStr()),
  // vLLM extra sampling params
  use_beam_search: opt(lBool()),
  top_k: opt(lInt()),
  min_p: opt(lFloat()),
  repetition_penalty: opt(lFloat()),
  length_penalty: opt(lFloat()),
  stop_token_ids: opt(pList(lInt())),
  include_stop_str_in_output: opt(lBool()),
  ignore_eos: opt(lBool()),
  min_tokens: opt(lInt()),
  skip_special_tokens: opt(lBool()),
  spaces_between_special_tokens: opt(lBool()),
  // vLLM: Annotated[int, Field(ge=-1)]; below -1 the prompt was cut to nothing (a 500).
  truncate_prompt_tokens: opt(lIntGe(-1)),
  prompt_logprobs: opt(lInt()),
  allowed_token_ids: opt(pList(lInt())),
  bad_words: opt(pList(pStr())),
  // vLLM extra engine params
  priority: opt(lInt()),
  request_id: opt(pStr()),
  cache_salt: opt(pStr()),
  kv_transfer_params: opt(pDict()),
  return_token_ids: opt(lBool()),
  return_tokens_as_token_ids: opt(lBool()),
  vllm_xargs: opt(pDict()),
  add_special_tokens: opt(lBool()),
  response_format: opt(AnyResponseFormatSchema),
  structured_outputs: opt(StructuredOutputsSchema),
  // vLLM 0.11's deprecated names for structured_outputs' kinds (protocol/structured-outputs.ts forwards them).
  ...guidedFields,
} as const;

/** The shared fields as parsed: the one definition of their types (both request types spread them). */
export type SharedFields = z.infer<z.ZodObject<typeof samplingFields>>;
