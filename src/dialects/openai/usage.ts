/** @module The `usage` object in vLLM's key order: prompt_tokens, total_tokens, completion_tokens[, prompt_tokens_details]. */
import type { ServerContext } from '../../serving/context.ts';

export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens: number } | null;
}

/** Non-streaming bodies always carry `prompt_tokens_details` (null unless `--enable-prompt-tokens-details` and a cache hit). */
export function usageOf(ctx: ServerContext, prompt: number, completion: number, cached: number, withNullDetails: boolean): Usage {
  const usage: Usage = { prompt_tokens: prompt, total_tokens: prompt + completion, completion_tokens: completion };
  if (ctx.settings.enablePromptTokensDetails && cached > 0) usage.prompt_tokens_details = { cached_tokens: cached };
  else if (withNullDetails) usage.prompt_tokens_details = null;
  return usage;
}
