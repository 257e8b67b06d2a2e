/** @module One non-streaming completion choice (`index = prompt_idx * n + j`), with echo and legacy logprobs. */
import type { ServerContext } from '../../serving/context.ts';
import type { PreparedCompletion } from './completions.ts';
import { completionLogprobs, type CompletionLogprobs } from './logprob-format.ts';
import { promptLogprobEntries } from '../../generate/logprobs.ts';
import { createRng } from '../../generate/rng.ts';

export function completionChoice(ctx: ServerContext, p: PreparedCompletion, promptIndex: number, j: number): Record<string, unknown> {
  const planned = p.prompts[promptIndex]!;
  const plan = planned.plans[j]!;
  const tokenizer = p.model.tokenizer;
  const echo = p.request.echo ?? false;
  const asIds = p.request.return_tokens_as_token_ids ?? false;
  const promptText = echo ? (p.promptTexts[promptIndex] ?? '') : '';
  const text = p.echoOnly ? promptText : promptText + plan.text;
  let logprobs: CompletionLogprobs | null = null;
  if (planned.logprobs) {
    const generated = completionLogprobs(tokenizer, p.echoOnly ? [] : (planned.logprobs[j] ?? []), promptText.length, asIds);
    logprobs = echo ? withPromptLogprobs(ctx, p, promptIndex, generated) : generated;
  }
  const promptLogprobs =
    p.params.promptLogprobs !== null
      ? promptLogprobEntries(tokenizer, createRng(ctx.settings.seed, planned.key, 0, 'prompt-logprobs'), planned.promptIds, p.params.promptLogprobs === -1 ? ctx.settings.maxLogprobs : p.params.promptLogprobs)
      : null;
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
function withPromptLogprobs(ctx: ServerContext, p: PreparedCompletion, promptIndex: number, generated: CompletionLogprobs): CompletionLogprobs {
  const planned = p.prompts[promptIndex]!;
  const tokenizer = p.model.tokenizer;
  const entries = promptLogprobEntries(tokenizer, createRng(ctx.settings.seed, planned.key, 0, 'prompt-logprobs'), planned.promptIds, 0);
  const out: CompletionLogprobs = { text_offset: [], token_logprobs: [], tokens: [], top_logprobs: [] };
  let offset = 0;
  planned.promptIds.forEach((id, i) => {
    const text = tokenizer.tokenText(id);
    const entry = entries[i];
    const lp = entry ? (entry[String(id)]?.logprob ?? null) : null;
    out.text_offset.push(offset);
    out.tokens.push(text);
    out.token_logprobs.push(lp);
    out.top_logprobs.push(lp === null ? null : { [text]: lp });
    offset += text.length;
  });
  return {
    text_offset: [...out.text_offset, ...generated.text_offset],
    token_logprobs: [...out.token_logprobs, ...generated.token_logprobs],
    tokens: [...out.tokens, ...generated.tokens],
    top_logprobs: [...out.top_logprobs, ...generated.top_logprobs],
  };
}
