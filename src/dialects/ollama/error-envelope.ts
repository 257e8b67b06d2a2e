/**
 * @module Ollama's error envelope: a bare message string, `{"error": "..."}` (protocol.md A.16), which the ollama
 * clients raise as ResponseError with the HTTP status. The app renders every error of this dialect's routes
 * through it (app/error-envelope.ts).
 */
import type { ApiError } from '../../protocol/errors.ts';

/** The error body Ollama's clients parse. */
export function ollamaErrorBody(err: ApiError): unknown {
  return { error: err.message };
}
