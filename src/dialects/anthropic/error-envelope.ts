/**
 * @module The Anthropic Messages API's error envelope, `{"type": "error", "error": {"type", "message"}}`, with the
 * error types Anthropic's clients map to their exception classes — and vLLM's names where vLLM's own /v1/messages
 * routes raise the status. The app renders every error of this dialect's routes through it (app/error-envelope.ts).
 */
import type { ApiError } from '../../protocol/errors.ts';

/**
 * Anthropic's error types as its docs list them (docs.claude.com/en/api/errors). Other 4xx are
 * `invalid_request_error` (the docs say so); other 5xx `api_error`, except 503, which like 529 means "unavailable,
 * retry later" (model loading, engine asleep, an injected outage): `overloaded_error`.
 */
const ANTHROPIC_TYPES: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

/**
 * Where vLLM differs, vLLM wins: its /v1/messages routes wrap the OpenAI-side error unchanged
 * (`translate_error_response` in vllm/entrypoints/anthropic/api_router.py: `type=response.error.type`), so the
 * statuses vLLM itself raises there keep vLLM's names inside the Anthropic envelope: 400 `BadRequestError` or
 * `Bad Request` (schema errors), 404 `NotFoundError`, 422 `UnprocessableEntityError`, 500 `InternalServerError`
 * (older vLLM: `internal_error`), 501 `NotImplementedError`. Two more vLLM differences are kept elsewhere: schema
 * errors on /v1/messages come from vLLM's global validation handler in the OpenAI envelope (llmsim answers them in
 * the Anthropic envelope, which Anthropic clients parse), and `--api-key` failures are vLLM's
 * `{"error":"Unauthorized"}` on every route (app.ts), not `authentication_error`. The statuses vLLM's Anthropic
 * routes never return (413 body limit, 429 queue full, 503 loading/asleep, injected 502/504/529) take Anthropic's.
 */
const VLLM_RAISES = new Set([400, 404, 422, 500, 501]);

function anthropicType(err: ApiError): string {
  if (VLLM_RAISES.has(err.status)) return err.type;
  return ANTHROPIC_TYPES[err.status] ?? (err.status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** The error body Anthropic's clients parse. */
export function anthropicErrorBody(err: ApiError): unknown {
  return { type: 'error', error: { type: anthropicType(err), message: err.message } };
}
