/**
 * @module Caps on the work one request may plan (llmsim limits; vLLM has none, its GPU bounds them). Outputs are
 * planned in memory before the engine runs them, and three kinds of work cost very differently (measured on a shared
 * 2-core machine: a plain prose token ~1 µs, a logprob entry ~7.5 µs and ~73 bytes of response, a structured-output
 * token ~8 µs), so each has its own cap, summed over every choice of every prompt of the request (a completions batch
 * of 20 prompts counts 20 times). Estimates are charged up front, before any planning; a choice that turns out longer
 * than its estimate (structured output runs to max_tokens) is charged as it is planned, so at most one choice of work
 * is done past a cap before the 400.
 */
import { errors } from '../protocol/errors.ts';

/** Output tokens planned per request: n × tokens per choice, summed over prompts. */
export const MAX_PLANNED_TOKENS = 2_097_152;
/** Logprob entries per request: n × tokens × (1 + top logprobs), summed over prompts (~19 MB of JSON at the cap). */
export const MAX_LOGPROB_ENTRIES = 262_144;
/** Tokens written under a JSON schema, regex, choice or tool call per request, summed over choices and prompts. */
export const MAX_STRUCTURED_TOKENS = 262_144;

/** One request's running totals; shared by every prompt of a completions batch. */
export class WorkMeter {
  #tokens = 0;
  #entries = 0;
  #structured = 0;

  /** Charges `tokens` more output tokens, `1 + top` logprob entries each when logprobs are on (`top` null: off). */
  charge(tokens: number, top: number | null): void {
    if (tokens <= 0) return;
    this.#tokens += tokens;
    if (this.#tokens > MAX_PLANNED_TOKENS)
      throw errors.plannedWorkLimit(
        'output tokens (n × max_tokens, summed over prompts)',
        this.#tokens,
        MAX_PLANNED_TOKENS,
        'n, max_tokens or the number of prompts',
      );
    if (top === null) return;
    this.#entries += tokens * (1 + Math.max(0, top));
    if (this.#entries > MAX_LOGPROB_ENTRIES)
      throw errors.plannedWorkLimit(
        'logprob entries (n × max_tokens × (1 + top logprobs), summed over prompts)',
        this.#entries,
        MAX_LOGPROB_ENTRIES,
        'n, max_tokens, top_logprobs or the number of prompts',
      );
  }

  /** Charges tokens a choice wrote under a constraint or as tool calls. */
  chargeStructured(tokens: number): void {
    this.#structured += tokens;
    if (this.#structured > MAX_STRUCTURED_TOKENS)
      throw errors.plannedWorkLimit(
        'structured-output tokens (summed over choices and prompts)',
        this.#structured,
        MAX_STRUCTURED_TOKENS,
        'n, max_tokens or the number of prompts',
      );
  }
}
