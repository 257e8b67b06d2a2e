/**
 * @module The one place that decides how an error looks on the wire: each dialect's envelope, picked by the dialect the
 * route table gives the request's route. `app.onError` (every thrown ApiError, and unknown exceptions as a 500) and
 * the fault gate (injected errors and timeouts) both render through here, so an error has one shape per dialect
 * whichever code raised it.
 */
import type { Context } from 'hono';
import type { ApiError } from '../protocol/errors.ts';
import { ROUTE_TABLE, indexRoutes, type Dialect } from './routes.ts';

const routes = indexRoutes(ROUTE_TABLE);

/** The dialect of the route serving this request; a wrong method takes the path's dialect; unknown paths vLLM's. */
export function dialectOf(c: Context): Dialect {
  const spec = routes.find(c.req.method, c.req.path);
  if (spec) return spec.dialect;
  const at = ROUTE_TABLE.find((s) => s.path === c.req.path);
  return at?.dialect ?? 'openai';
}

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

/** The error body `dialect`'s clients parse. */
export function errorBody(dialect: Dialect, err: ApiError): unknown {
  switch (dialect) {
    // Ollama's envelope is a bare string (protocol.md A.16).
    case 'ollama':
      return { error: err.message };
    case 'anthropic':
      return { type: 'error', error: { type: anthropicType(err), message: err.message } };
    // OpenAI, vLLM, Responses (vLLM serves it with the same handlers) and llmsim's own routes.
    default:
      return err.toBody();
  }
}

/** `err` as the response to this request, in its route's envelope. */
export function errorResponse(c: Context, err: ApiError, headers: Record<string, string> = {}): Response {
  return c.json(errorBody(dialectOf(c), err), err.status as 400, headers);
}
