/**
 * @module The pydantic `model_validator`s chat and completions share, in vLLM's wording ("Bad Request" envelope). vLLM
 * runs them first (streaming options, prompt logprobs) and last (cache salt) around each request's own checks.
 */
import { valueError } from './errors.ts';
import type { SharedFields } from './sampling-fields.ts';

/** `stream_options` only with `stream`; `prompt_logprobs` not while streaming, and positive or -1. */
export function checkStreamFields(r: Pick<SharedFields, 'stream' | 'stream_options' | 'prompt_logprobs'>): void {
  if (r.stream_options && Object.keys(r.stream_options).length > 0 && !r.stream) throw valueError('Stream options can only be defined when `stream=True`.');
  const pl = r.prompt_logprobs;
  if (pl !== null && pl !== undefined) {
    if (r.stream && (pl > 0 || pl === -1)) throw valueError('`prompt_logprobs` are not available when `stream=True`.');
    if (pl < 0 && pl !== -1) throw valueError('`prompt_logprobs` must be a positive value or -1.');
  }
}

/** A given `cache_salt` is not empty. */
export function checkCacheSalt(r: Pick<SharedFields, 'cache_salt'>): void {
  if (r.cache_salt !== null && r.cache_salt !== undefined && r.cache_salt === '')
    throw valueError("Parameter 'cache_salt' must be a non-empty string if provided.");
}
