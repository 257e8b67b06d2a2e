/** @module Reads a JSON POST body the way vLLM's `validate_json_request` + FastAPI do: media-type guard, decode errors, object check. */
import type { Context } from 'hono';
import { ApiError, validationError } from '../protocol/errors.ts';

const MEDIA_TYPE_MESSAGE = "Unsupported Media Type: Only 'application/json' is allowed";

export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const contentType = (c.req.header('content-type') ?? '').toLowerCase();
  if (contentType.split(';', 1)[0]?.trim() !== 'application/json') {
    throw new ApiError(400, 'Bad Request', `1 validation error:\n  ${MEDIA_TYPE_MESSAGE} ["${MEDIA_TYPE_MESSAGE}"]`);
  }
  const text = await c.req.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw validationError([{ kind: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error' }]);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationError([{ kind: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from' }]);
  }
  return body as Record<string, unknown>;
}
