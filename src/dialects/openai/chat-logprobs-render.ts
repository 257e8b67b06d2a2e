/**
 * @module A non-streamed chat answer's logprobs, rendered to JSON text where the request is prepared (a worker
 * thread): each choice's `logprobs` (`top_logprobs: 20` over 12,000 tokens is ~18 MB) and the top-level
 * `prompt_logprobs` (~33 MB for a 20k-token prompt at k = 20), which on the engine's thread stalled every stream for
 * 0.2-1 s. The body splices the text in (protocol/raw-json.ts): byte-identical to rendering it there.
 */
import type { Tokenizer } from '../../tokenizer/tokenizer.ts';
import type { TokenLogprob } from '../../generate/logprobs.ts';
import { promptLogprobsJson } from './prompt-logprobs-render.ts';
import type { SamplingParams } from '../../protocol/sampling.ts';
import { RawJson } from '../../protocol/raw-json.ts';
import { chatLogprobs, plannedPromptLogprobs, promptLogprobsK, type ChatLogprobEntry, type LogprobSettings } from './logprob-format.ts';
import type { PromptLogprobs } from './response-types.ts';

export interface RenderedChatLogprobs {
  /** Per choice, `{"content":[...]}` as JSON text; null when logprobs were not asked. */
  readonly choices: readonly string[] | null;
  /** `prompt_logprobs` as JSON text, when asked. */
  readonly promptLogprobs: string | null;
}

/** Null when the request asks for neither. */
export function renderChatLogprobs(
  env: LogprobSettings,
  tokenizer: Tokenizer,
  planned: { readonly promptIds: readonly number[]; readonly logprobs: readonly (readonly TokenLogprob[])[] | null; readonly plans: readonly unknown[] },
  params: SamplingParams,
  asTokenIds: boolean,
): RenderedChatLogprobs | null {
  const promptK = promptLogprobsK(env, params);
  if (planned.logprobs === null && promptK === null) return null;
  const logprobs = planned.logprobs;
  const choices = logprobs ? planned.plans.map((_, i) => JSON.stringify({ content: chatLogprobs(tokenizer, logprobs[i] ?? [], asTokenIds) })) : null;
  const promptLogprobs = promptK === null ? null : promptLogprobsJson(tokenizer, plannedPromptLogprobs(env, tokenizer, planned, promptK), promptK);
  return { choices, promptLogprobs };
}

/** Choice `i`'s rendered `logprobs`, if the preparation rendered them. */
export function renderedChoiceLogprobs(r: RenderedChatLogprobs | null | undefined, i: number): RawJson<{ content: ChatLogprobEntry[] }> | null {
  const text = r?.choices?.[i];
  return text === undefined ? null : new RawJson(text);
}

/** The rendered `prompt_logprobs`, if any. */
export function renderedPromptLogprobs(r: RenderedChatLogprobs | null | undefined): RawJson<PromptLogprobs> | null {
  return r?.promptLogprobs ? new RawJson(r.promptLogprobs) : null;
}
