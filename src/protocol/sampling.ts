/** @module vLLM `SamplingParams` construction and `_verify_args` checks, with vLLM's exact messages (BadRequestError, bare text). */
import { errors, type ApiError } from './errors.ts';
import { pyFloat } from './pyformat.ts';
import type { SharedFields } from './sampling-fields.ts';

/**
 * The request fields sampling params are built from, typed by the request schemas (sampling-fields.ts). Chat and
 * completions pass their parsed request; Ollama and Responses pass the few they map onto these names.
 */
export type WireSampling = Pick<
  SharedFields,
  | 'n'
  | 'temperature'
  | 'top_p'
  | 'top_k'
  | 'min_p'
  | 'presence_penalty'
  | 'frequency_penalty'
  | 'repetition_penalty'
  | 'seed'
  | 'stop'
  | 'stop_token_ids'
  | 'include_stop_str_in_output'
  | 'ignore_eos'
  | 'min_tokens'
  | 'skip_special_tokens'
  | 'prompt_logprobs'
  | 'logit_bias'
  | 'allowed_token_ids'
  | 'bad_words'
>;

/** Normalised sampling parameters the generator consumes. */
export interface SamplingParams {
  readonly n: number;
  readonly temperature: number;
  readonly topP: number;
  readonly topK: number;
  readonly minP: number;
  readonly presencePenalty: number;
  readonly frequencyPenalty: number;
  readonly repetitionPenalty: number;
  /** `null` (or -1 on the wire): derive the random stream from the request itself. */
  readonly seed: number | null;
  readonly stop: readonly string[];
  readonly stopTokenIds: readonly number[];
  readonly includeStopStrInOutput: boolean;
  readonly ignoreEos: boolean;
  readonly minTokens: number;
  readonly maxTokens: number;
  /** Top logprobs per generated token, or null when not requested. */
  readonly logprobs: number | null;
  readonly promptLogprobs: number | null;
  readonly skipSpecialTokens: boolean;
}

/** vLLM's VLLM_MAX_N_SEQUENCES default (2026 main; OpenAI also caps `n` at 128). */
export const MAX_N_SEQUENCES = 128;

export interface SamplingLimits {
  readonly maxLogprobs: number;
  readonly vocabSize: number;
}

/** Builds and verifies sampling params in vLLM's order; throws ApiError on the first failure. */
export function toSamplingParams(wire: WireSampling, maxTokens: number, logprobs: number | null, limits: SamplingLimits): SamplingParams {
  const stop = wire.stop == null ? [] : typeof wire.stop === 'string' ? [wire.stop] : wire.stop;
  const params: SamplingParams = {
    n: wire.n ?? 1,
    temperature: wire.temperature ?? 1.0,
    topP: wire.top_p ?? 1.0,
    topK: wire.top_k ?? 0,
    minP: wire.min_p ?? 0,
    presencePenalty: wire.presence_penalty ?? 0,
    frequencyPenalty: wire.frequency_penalty ?? 0,
    repetitionPenalty: wire.repetition_penalty ?? 1.0,
    seed: wire.seed == null || wire.seed === -1 ? null : wire.seed,
    stop,
    stopTokenIds: wire.stop_token_ids ?? [],
    includeStopStrInOutput: wire.include_stop_str_in_output ?? false,
    ignoreEos: wire.ignore_eos ?? false,
    minTokens: wire.min_tokens ?? 0,
    maxTokens,
    logprobs,
    promptLogprobs: wire.prompt_logprobs ?? null,
    skipSpecialTokens: wire.skip_special_tokens ?? true,
  };
  const failure = verify(params, wire, limits);
  if (failure) throw failure;
  return params;
}

function verify(p: SamplingParams, wire: WireSampling, limits: SamplingLimits): ApiError | null {
  const e = errors.sampling;
  if (p.n < 1) return e(`n must be at least 1, got ${p.n}.`, 'n');
  if (p.n > MAX_N_SEQUENCES)
    return e(`n must be at most ${MAX_N_SEQUENCES}, got ${p.n}. To increase this limit, set the VLLM_MAX_N_SEQUENCES environment variable.`, 'n');
  if (p.presencePenalty < -2 || p.presencePenalty > 2) return e(`presence_penalty must be in [-2, 2], got ${pyFloat(p.presencePenalty)}.`, 'presence_penalty');
  if (p.frequencyPenalty < -2 || p.frequencyPenalty > 2)
    return e(`frequency_penalty must be in [-2, 2], got ${pyFloat(p.frequencyPenalty)}.`, 'frequency_penalty');
  if (p.repetitionPenalty <= 0) return e(`repetition_penalty must be greater than zero, got ${pyFloat(p.repetitionPenalty)}.`, 'repetition_penalty');
  if (p.temperature < 0) return e(`temperature must be non-negative, got ${pyFloat(p.temperature)}.`, 'temperature');
  if (!(p.topP > 0 && p.topP <= 1)) return e(`top_p must be in (0, 1], got ${pyFloat(p.topP)}.`, 'top_p');
  if (p.topK < -1) return e(`top_k must be 0 (disable), or at least 1, got ${p.topK}.`, 'top_k');
  if (p.minP < 0 || p.minP > 1) return e(`min_p must be in [0, 1], got ${pyFloat(p.minP)}.`, 'min_p');
  if (p.maxTokens < 1) return e(`max_tokens must be at least 1, got ${p.maxTokens}.`, 'max_tokens');
  if (p.minTokens < 0) return e(`min_tokens must be greater than or equal to 0, got ${p.minTokens}.`, 'min_tokens');
  if (p.minTokens > p.maxTokens) return e(`min_tokens must be less than or equal to max_tokens=${p.maxTokens}, got ${p.minTokens}.`, 'min_tokens');
  if (p.logprobs !== null && p.logprobs !== -1 && p.logprobs < 0) return e(`logprobs must be non-negative or -1, got ${p.logprobs}.`, 'logprobs');
  if (p.promptLogprobs !== null && p.promptLogprobs !== -1 && p.promptLogprobs < 0)
    return e(`prompt_logprobs must be non-negative or -1, got ${p.promptLogprobs}.`, 'prompt_logprobs');
  if (p.stop.some((s) => s === '')) return e('stop cannot contain an empty string.', 'stop');
  if ((wire.bad_words ?? []).some((s) => s === ''))
    return e(`bad_words cannot contain an empty string. Got bad_words=[${(wire.bad_words ?? []).map((w) => `'${w}'`).join(', ')}]`, 'bad_words');
  if (p.n > 1 && p.temperature < 1e-5) return e(`n must be 1 when using greedy sampling, got ${p.n}.`, 'n');
  // Engine-side checks (vLLM's input processor) come after the sampling params were built.
  const k = p.logprobs === -1 ? limits.vocabSize : p.logprobs;
  if (k !== null && k > limits.maxLogprobs) return errors.logprobsCap(k, limits.maxLogprobs);
  const pk = p.promptLogprobs === -1 ? limits.vocabSize : p.promptLogprobs;
  if (pk !== null && pk > limits.maxLogprobs) return errors.promptLogprobsCap(pk, limits.maxLogprobs);
  for (const key of Object.keys(wire.logit_bias ?? {})) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || id >= limits.vocabSize) return errors.logitBiasOutOfVocab(id, limits.vocabSize);
  }
  if ((wire.allowed_token_ids ?? []).some((id) => id < 0 || id >= limits.vocabSize)) return errors.allowedTokenIds();
  return null;
}
