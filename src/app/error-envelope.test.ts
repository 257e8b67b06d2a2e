import { describe, it, expect } from 'vitest';
import { errorBody } from './error-envelope.ts';
import { ApiError, errors } from '../protocol/errors.ts';

describe('errorBody', () => {
  it("renders an unexpected 500 in each dialect's envelope", () => {
    const err = errors.internal();
    expect(errorBody('ollama', err)).toEqual({ error: 'Internal server error' });
    expect(errorBody('anthropic', err)).toEqual({ type: 'error', error: { type: 'InternalServerError', message: 'Internal server error' } });
    expect(errorBody('responses', err)).toEqual({ error: { message: 'Internal server error', type: 'InternalServerError', param: null, code: 500 } });
  });

  it("gives Anthropic its documented types where vLLM raises no such status, and vLLM's names where it does", () => {
    const type = (status: number, vllmType = 'X'): unknown =>
      (errorBody('anthropic', new ApiError(status, vllmType, 'm')) as { error: { type: string } }).error.type;
    expect([type(401), type(403), type(413), type(429), type(503), type(529), type(409), type(502)]).toEqual([
      'authentication_error',
      'permission_error',
      'request_too_large',
      'rate_limit_error',
      'overloaded_error',
      'overloaded_error',
      'invalid_request_error',
      'api_error',
    ]);
    expect([type(400, 'Bad Request'), type(404, 'NotFoundError'), type(500, 'InternalServerError'), type(501, 'NotImplementedError')]).toEqual([
      'Bad Request',
      'NotFoundError',
      'InternalServerError',
      'NotImplementedError',
    ]);
  });
});
