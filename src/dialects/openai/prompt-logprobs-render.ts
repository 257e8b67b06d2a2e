/**
 * @module A completion's logprobs, rendered to JSON text where the request is prepared (a worker thread): a 20k-token
 * prompt with `prompt_logprobs: 20` is ~33 MB of JSON and ~2 s of work, which on the engine's thread froze every
 * stream for over a second; a non-streamed answer's own logprobs (up to the work cap, ~18 MB) stalled it ~0.2 s. The
 * engine's thread splices the text in (protocol/raw-json.ts), so the body is byte-identical to rendering it there.
 */
import type { Tokenizer } from '../../tokenizer/tokenizer.ts';
import { promptLogprobEntry } from '../../generate/logprobs.ts';
import type { SamplingParams } from '../../protocol/sampling.ts';
import { RawJson } from '../../protocol/raw-json.ts';
import type { TokenLogprob } from '../../generate/logprobs.ts';
import { completionLogprobs, echoLogprobs, plannedPromptLogprobs, promptLogprobsK, type CompletionLogprobs, type LogprobSettings } from './logprob-format.ts';
import type { PromptLogprobs } from './response-types.ts';

/** The echoed prompt's legacy logprobs: each array's JSON text without its brackets (the generated part follows). */
export interface EchoParts {
  readonly text_offset: string;
  readonly token_logprobs: string;
  readonly tokens: string;
  readonly top_logprobs: string;
}

export interface RenderedPromptLogprobs {
  /** `prompt_logprobs` as JSON text, when asked. */
  readonly promptLogprobs: string | null;
  /** With `echo` and `logprobs`: the prompt's positions of the choice's legacy `logprobs`. */
  readonly echo: EchoParts | null;
  /** Not streamed, with `logprobs`: each choice's whole legacy `logprobs` object as JSON text. */
  readonly choices: readonly string[] | null;
}

/** What rendering a prompt's choices needs besides the plan. */
export interface CompletionRenderOptions {
  readonly echo: boolean;
  readonly echoOnly: boolean;
  readonly asTokenIds: boolean;
  readonly stream: boolean;
  /** The echoed prompt text (its length starts the generated text offsets). */
  readonly promptText: string;
}

/**
 * Renders what a completion prompt's body needs of its logprobs, or null when nothing is asked. `planned.logprobs`
 * rendered for every choice is left out of what the worker sends back (the caller's choice): ~5 M small objects at
 * the cap, whose structured clone the engine's thread would pay.
 */
export function renderCompletionLogprobs(
  env: LogprobSettings,
  tokenizer: Tokenizer,
  planned: { readonly promptIds: readonly number[]; readonly logprobs: readonly (readonly TokenLogprob[])[] | null; readonly plans: readonly unknown[] },
  params: SamplingParams,
  o: CompletionRenderOptions,
): RenderedPromptLogprobs | null {
  const prompt = renderPromptLogprobs(env, tokenizer, planned, params, o.echo, o.asTokenIds);
  const logprobs = planned.logprobs;
  if (o.stream || !logprobs) return prompt;
  const echo = o.echo ? (prompt?.echo ?? null) : null;
  const offset = o.echo ? o.promptText.length : 0;
  const choices = planned.plans.map((_, j) =>
    legacyLogprobsText(echo, completionLogprobs(tokenizer, o.echoOnly ? [] : (logprobs[j] ?? []), offset, o.asTokenIds)),
  );
  return { promptLogprobs: prompt?.promptLogprobs ?? null, echo: prompt?.echo ?? null, choices };
}

/** One prompt's, or null when the request asks for neither (drawn once with the largest k, as before). */
function renderPromptLogprobs(
  env: LogprobSettings,
  tokenizer: Tokenizer,
  planned: { readonly promptIds: readonly number[]; readonly logprobs?: unknown },
  params: SamplingParams,
  echo: boolean,
  asTokenIds: boolean,
): RenderedPromptLogprobs | null {
  const echoK = echo && planned.logprobs ? Math.max(0, params.logprobs ?? 0) : null;
  const promptK = promptLogprobsK(env, params);
  if (echoK === null && promptK === null) return null;
  const entries = plannedPromptLogprobs(env, tokenizer, planned, Math.max(echoK ?? 0, promptK ?? 0));
  const promptLogprobs = promptK === null ? null : promptLogprobsJson(tokenizer, entries, promptK);
  if (echoK === null) return { promptLogprobs, echo: null, choices: null };
  const e = echoLogprobs(tokenizer, planned.promptIds, entries, 0, asTokenIds);
  return {
    promptLogprobs,
    echo: { text_offset: inner(e.text_offset), token_logprobs: inner(e.token_logprobs), tokens: inner(e.tokens), top_logprobs: inner(e.top_logprobs) },
    choices: null,
  };
}

/** `prompt_logprobs` of a choice: the rendered text, or null. */
export function promptLogprobsValue(r: RenderedPromptLogprobs | null): RawJson<PromptLogprobs> | null {
  return r?.promptLogprobs ? new RawJson<PromptLogprobs>(r.promptLogprobs) : null;
}

/** The JSON text of the legacy `logprobs` object of the echoed prompt followed by `generated` (concatLogprobs' order). */
export function legacyLogprobsText(echo: EchoParts | null, generated: CompletionLogprobs): string {
  if (!echo) return JSON.stringify(generated);
  const join = (a: string, b: unknown[]): string => (b.length === 0 ? a : a === '' ? inner(b) : `${a},${inner(b)}`);
  return (
    `{"text_offset":[${join(echo.text_offset, generated.text_offset)}],"token_logprobs":[${join(echo.token_logprobs, generated.token_logprobs)}],` +
    `"tokens":[${join(echo.tokens, generated.tokens)}],"top_logprobs":[${join(echo.top_logprobs, generated.top_logprobs)}]}`
  );
}

/** `prompt_logprobs` as JSON text (vLLM's entries, `null` first), for completions and chat alike. */
export function promptLogprobsJson(tokenizer: Tokenizer, entries: readonly (TokenLogprob | null)[], k: number): string {
  return JSON.stringify(entries.map((e) => promptLogprobEntry(tokenizer, e, k)));
}

/** An array's JSON text without its brackets. */
function inner(a: readonly unknown[]): string {
  return JSON.stringify(a).slice(1, -1);
}
