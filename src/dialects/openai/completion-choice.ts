/** @module One non-streaming completion choice (`index = prompt_idx * n + j`), with echo and legacy logprobs. */
import type { ServerContext } from '../../serving/context.ts';
import type { PreparedCompletion } from './completion-prepare.ts';
import { completionLogprobs, concatLogprobs, echoLogprobs, plannedPromptLogprobs, promptLogprobsK, type CompletionLogprobs } from './logprob-format.ts';
import { promptLogprobEntry, type TokenLogprob } from '../../generate/logprobs.ts';
import type { CompletionChoice } from './response-types.ts';

export function completionChoice(ctx: ServerContext, p: PreparedCompletion, promptIndex: number, j: number): CompletionChoice {
  const planned = p.prompts[promptIndex]!;
  const plan = planned.plans[j]!;
  const tokenizer = p.model.tokenizer;
  const echo = p.request.echo ?? false;
  const asIds = p.request.return_tokens_as_token_ids ?? false;
  const promptText = echo ? (p.promptTexts[promptIndex] ?? '') : '';
  const text = p.echoOnly ? promptText : promptText + plan.text;
  const echoK = echo && planned.logprobs ? Math.max(0, p.params.logprobs ?? 0) : null;
  const promptK = promptLogprobsK(ctx, p.params);
  const prompt = echoK !== null || promptK !== null ? plannedPromptLogprobs(ctx, tokenizer, planned, Math.max(echoK ?? 0, promptK ?? 0)) : null;
  let logprobs: CompletionLogprobs | null = null;
  if (planned.logprobs) {
    const generated = completionLogprobs(tokenizer, p.echoOnly ? [] : (planned.logprobs[j] ?? []), promptText.length, asIds);
    logprobs = echo && prompt ? withPromptLogprobs(p, promptIndex, prompt, generated) : generated;
  }
  const promptLogprobs = promptK !== null && prompt ? prompt.map((e) => promptLogprobEntry(tokenizer, e, promptK)) : null;
  return {
    index: promptIndex * planned.plans.length + j,
    text,
    logprobs,
    finish_reason: plan.finishReason,
    stop_reason: plan.stopReason,
    token_ids: p.request.return_token_ids ? plan.tokenIds : null,
    prompt_logprobs: promptLogprobs,
    prompt_token_ids: p.request.return_token_ids ? planned.promptIds : null,
  };
}

/** Echoed prompt positions come first; the first has no logprob (null), as in vLLM and OpenAI. */
function withPromptLogprobs(
  p: PreparedCompletion,
  promptIndex: number,
  prompt: readonly (TokenLogprob | null)[],
  generated: CompletionLogprobs,
): CompletionLogprobs {
  const echoed = echoLogprobs(p.model.tokenizer, p.prompts[promptIndex]!.promptIds, prompt, 0, p.request.return_tokens_as_token_ids ?? false);
  return concatLogprobs(echoed, generated);
}
