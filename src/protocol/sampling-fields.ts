/** @module Request fields shared by chat and completions: OpenAI sampling fields plus vLLM's extra sampling and engine params. */
import { z } from 'zod';
import { opt, pBool, pDict, pFloat, pInt, pList, pStr } from './fields.ts';

export const StreamOptionsSchema = z.looseObject({
  include_usage: opt(pBool()),
  continuous_usage_stats: opt(pBool()),
});

export const samplingFields = {
  model: opt(pStr()),
  frequency_penalty: opt(pFloat()),
  presence_penalty: opt(pFloat()),
  logit_bias: opt(z.record(z.string(), pFloat())),
  n: opt(pInt()),
  seed: opt(pInt()),
  stop: opt(z.union([pStr(), pList(pStr())])),
  stream: opt(pBool()),
  stream_options: opt(StreamOptionsSchema),
  temperature: opt(pFloat()),
  top_p: opt(pFloat()),
  user: opt(pStr()),
  // vLLM extra sampling params
  use_beam_search: opt(pBool()),
  top_k: opt(pInt()),
  min_p: opt(pFloat()),
  repetition_penalty: opt(pFloat()),
  length_penalty: opt(pFloat()),
  stop_token_ids: opt(pList(pInt())),
  include_stop_str_in_output: opt(pBool()),
  ignore_eos: opt(pBool()),
  min_tokens: opt(pInt()),
  skip_special_tokens: opt(pBool()),
  spaces_between_special_tokens: opt(pBool()),
  truncate_prompt_tokens: opt(pInt()),
  prompt_logprobs: opt(pInt()),
  allowed_token_ids: opt(pList(pInt())),
  bad_words: opt(pList(pStr())),
  // vLLM extra engine params
  priority: opt(pInt()),
  request_id: opt(pStr()),
  cache_salt: opt(pStr()),
  kv_transfer_params: opt(pDict()),
  return_token_ids: opt(pBool()),
  return_tokens_as_token_ids: opt(pBool()),
  vllm_xargs: opt(pDict()),
  add_special_tokens: opt(pBool()),
  response_format: opt(pDict()),
  structured_outputs: opt(pDict()),
} as const;
