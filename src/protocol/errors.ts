/** @module The one registry of coded errors: every error a route can return, with vLLM's exact wording, type and status. */

/** An error that renders as vLLM's envelope `{"error":{message,type,param,code}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  toBody(): { error: { message: string; type: string; param: string | null; code: number } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.status } };
  }
}

const bad = (message: string, param: string | null = null): ApiError => new ApiError(400, 'BadRequestError', message, param);

/** Schema/model-validator failures: FastAPI `RequestValidationError` as vLLM renders it (type "Bad Request"). */
export function validationError(entries: readonly ValidationEntry[]): ApiError {
  const shown = entries.slice(0, 10);
  const lines = shown.map((e) => `  {'type': '${e.kind}', 'loc': (${e.loc.map(pyStr).join(', ')}${e.loc.length === 1 ? ',' : ''}), 'msg': ${pyStr(e.msg)}}`);
  const head = `${entries.length} validation error${entries.length === 1 ? '' : 's'}:`;
  const first = shown[0];
  const param = first && first.loc.length > 1 ? first.loc.map(String).join('.') : null;
  return new ApiError(400, 'Bad Request', `${head}\n${lines.join('\n')}`, param);
}

export interface ValidationEntry {
  readonly kind: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
}

/** A pydantic `model_validator` failure (message text as vLLM's validators raise it). */
export const valueError = (text: string): ApiError => validationError([{ kind: 'value_error', loc: ['body'], msg: `Value error, ${text}` }]);

export const errors = {
  modelNotFound: (model: string) => new ApiError(404, 'NotFoundError', `The model \`${model}\` does not exist.`, 'model'),
  promptTooLong: (maxModelLen: number, n: number) =>
    bad(
      `This model's maximum context length is ${maxModelLen} tokens. However, your request has ${n} input tokens. Please reduce the length of the ` +
        `input messages.`,
      'input_tokens',
    ),
  maxTokensTooLarge: (maxTokens: number, maxModelLen: number, n: number) =>
    bad(
      `'max_tokens' or 'max_completion_tokens' is too large: ${maxTokens}. This model's maximum context length is ${maxModelLen} tokens and your ` +
        `request has ${n} input tokens (${maxTokens} > ${maxModelLen} - ${n}).`,
      'max_tokens',
    ),
  embeddingTooLong: (maxModelLen: number, n: number) =>
    bad(
      `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${n} tokens in the input for embedding generation. ` +
        `Please reduce the length of the input.`,
      'input_tokens',
    ),
  truncateTooLarge: () =>
    bad('truncate_prompt_tokens value is greater than max_model_len. Please, select a smaller truncation size.', 'truncate_prompt_tokens'),
  suffixUnsupported: () => bad('suffix is not currently supported'),
  bestOf: () => bad('vLLM V1 does not yet support best_of.'),
  sampling: (message: string, param: string) => bad(message, param),
  logprobsCap: (k: number, max: number) => bad(`Requested sample logprobs of ${k}, which is greater than max allowed: ${max}`, 'logprobs'),
  promptLogprobsCap: (k: number, max: number) => bad(`Requested prompt logprobs of ${k}, which is greater than max allowed: ${max}`, 'prompt_logprobs'),
  tokenOutOfVocab: (id: number, _vocab: number) => bad(`Token id ${id} is out of vocabulary`, 'tokens'),
  logitBiasOutOfVocab: (id: number, vocab: number) =>
    bad(`Token id ${id} in logit_bias contains out-of-vocab token id. Vocabulary size: ${vocab}`, 'logit_bias'),
  allowedTokenIds: () => bad('allowed_token_ids contains out-of-vocab token id!', 'allowed_token_ids'),
  priorityUnsupported: () => bad('Priority scheduling is not enabled.', 'priority'),
  chatTemplate: (message: string) => bad(message),
  untrustedChatTemplate: () =>
    bad('Chat template is passed with request, but --trust-request-chat-template is not set. Refused request with untrusted chat template.'),
  matryoshka: (model: string) =>
    bad(`Model "${model}" does not support matryoshka representation, changing output dimensions will lead to poor results.`, 'dimensions'),
  dimensionsTooSmall: () => bad('dimensions must be a positive integer.', 'dimensions'),
  bytesEncoding: (format: string) => bad(`encoding_format ${format} is not supported by this server`, 'encoding_format'),
  unsupportedConstraint: (message: string) => bad(message, 'structured_outputs'),
  /** A planned-work cap of src/pipeline/work-budget.ts (llmsim limits where vLLM has none). */
  plannedWorkLimit: (what: string, amount: number, limit: number, reduce: string) =>
    bad(`llmsim cannot plan this request: it asks for ${amount} ${what}, above the simulator's limit of ${limit}. Reduce ${reduce}.`, 'n'),
  queueFull: (maxWaiting: number) =>
    new ApiError(429, 'Too Many Requests', `The server is overloaded: the waiting queue is full (max_waiting=${maxWaiting}). Retry later.`),
  jsonTooMany: (limit: number) =>
    validationError([{ kind: 'json_invalid', loc: ['body'], msg: `JSON has more than ${limit} objects and arrays (llmsim limit)` }]),
  jsonTooDeep: (limit: number) => validationError([{ kind: 'json_invalid', loc: ['body'], msg: `JSON nesting is deeper than ${limit} levels (llmsim limit)` }]),
  payloadTooLarge: (limit: number) => new ApiError(413, 'Request Entity Too Large', `Request body exceeds the limit of ${limit} bytes.`),
  internal: () => new ApiError(500, 'InternalServerError', 'Internal server error'),
} as const;

/**
 * vLLM's type name for a status raised without one (an injected fault, a scenario rule's error): the exception class
 * or `HTTPStatus` phrase its handlers use. One table, so faults and rules agree (they said 'Too Many Requests' and
 * 'RateLimitError' for the same 429).
 */
export function errorTypeFor(status: number): string {
  return STATUS_TYPES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequestError');
}

const STATUS_TYPES: Readonly<Record<number, string>> = {
  400: 'BadRequestError',
  404: 'NotFoundError',
  413: 'Request Entity Too Large',
  422: 'UnprocessableEntityError',
  429: 'Too Many Requests',
  500: 'InternalServerError',
  501: 'NotImplementedError',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Python `repr` of a str (single quotes unless the text contains one). */
function pyStr(value: string | number): string {
  if (typeof value === 'number') return String(value);
  if (value.includes("'") && !value.includes('"')) return `"${value}"`;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}
