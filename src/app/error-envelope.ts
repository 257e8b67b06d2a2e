/**
 * @module Picks how an error looks on the wire: the envelope of the dialect that owns the request's route (each dialect
 * defines its own, in its folder; the route table says which dialect a route belongs to). `app.onError` (every thrown
 * ApiError, and unknown exceptions as a 500) and the fault gate (injected errors and timeouts) both render through
 * here, so an error has one shape per dialect whichever code raised it.
 */
import type { Context } from 'hono';
import type { ApiError } from '../protocol/errors.ts';
import { ROUTE_TABLE, indexRoutes, type Dialect } from '../http/routes.ts';
import { anthropicErrorBody } from '../dialects/anthropic/error-envelope.ts';
import { ollamaErrorBody } from '../dialects/ollama/error-envelope.ts';

const routes = indexRoutes(ROUTE_TABLE);

/** The dialect of the route serving this request; a wrong method takes the path's dialect; unknown paths vLLM's. */
export function dialectOf(c: Context): Dialect {
  const spec = routes.find(c.req.method, c.req.path);
  if (spec) return spec.dialect;
  const at = ROUTE_TABLE.find((s) => s.path === c.req.path);
  return at?.dialect ?? 'openai';
}

/**
 * Each dialect's own envelope, from the dialect's folder. OpenAI, vLLM, Responses (vLLM serves it with the same
 * handlers) and llmsim's own routes answer vLLM's `ErrorResponse` (protocol/errors.ts).
 */
const ENVELOPES: Readonly<Record<Dialect, (err: ApiError) => unknown>> = {
  openai: (err) => err.toBody(),
  vllm: (err) => err.toBody(),
  responses: (err) => err.toBody(),
  llmsim: (err) => err.toBody(),
  anthropic: anthropicErrorBody,
  ollama: ollamaErrorBody,
};

/** The error body `dialect`'s clients parse. */
export function errorBody(dialect: Dialect, err: ApiError): unknown {
  return ENVELOPES[dialect](err);
}

/** `err` as the response to this request, in its route's envelope. */
export function errorResponse(c: Context, err: ApiError, headers: Record<string, string> = {}): Response {
  return c.json(errorBody(dialectOf(c), err), err.status as 400, headers);
}
