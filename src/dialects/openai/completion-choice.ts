/** @module One non-streaming completion choice (`index = prompt_idx * n + j`), with echo and legacy logprobs. */
import type { PreparedCompletion } from './completion-prepare.ts';
import { completionLogprobs } from './logprob-format.ts';
import { legacyLogprobsText, promptLogprobsValue } from './prompt-logprobs-render.ts';
import { RawJson } from '../../protocol/raw-json.ts';
import type { CompletionChoice } from './response-types.ts';

/** The prompt's parts (`prompt_logprobs`, echoed logprobs) come rendered from the preparation (prompt-logprobs-render.ts). */
export function completionChoice(p: PreparedCompletion, promptIndex: number, j: number): CompletionChoice {
  const planned = p.prompts[promptIndex]!;
  const plan = planned.plans[j]!;
  const tokenizer = p.model.tokenizer;
  const echo = p.request.echo ?? false;
  const asIds = p.request.return_tokens_as_token_ids ?? false;
  const promptText = echo ? (p.promptTexts[promptIndex] ?? '') : '';
  const text = p.echoOnly ? promptText : promptText + plan.text;
  const rendered = p.rendered[promptIndex] ?? null;
  let logprobs: CompletionChoice['logprobs'] = null;
  const choiceText = rendered?.choices?.[j];
  if (choiceText !== undefined) logprobs = new RawJson(choiceText);
  else if (planned.logprobs) {
    const generated = completionLogprobs(tokenizer, p.echoOnly ? [] : (planned.logprobs[j] ?? []), promptText.length, asIds);
    logprobs = echo && rendered?.echo ? new RawJson(legacyLogprobsText(rendered.echo, generated)) : generated;
  }
  return {
    index: promptIndex * planned.plans.length + j,
    text,
    logprobs,
    finish_reason: plan.finishReason,
    stop_reason: plan.stopReason,
    token_ids: p.request.return_token_ids ? plan.tokenIds : null,
    prompt_logprobs: promptLogprobsValue(rendered),
    prompt_token_ids: p.request.return_token_ids ? planned.promptIds : null,
  };
}
