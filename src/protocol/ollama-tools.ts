/**
 * @module Ollama's chat `tools` and the `format` of chat and generate as Ollama's Go types decode them
 * (ollama/ollama api/types.go: `Tools []Tool`, `Tool`, `ToolFunction`, `ToolFunctionParameters`, `ToolProperty`,
 * `PropertyType`; `Format json.RawMessage`). Go's decoder is strict on kinds, lenient on everything else: `null`
 * anywhere, unknown keys and missing fields (a tool without a name) all pass. `properties` is an ordered map with its
 * own `UnmarshalJSON`, so an error inside it is reported against `ToolFunctionParameters` and stops the decode.
 */
import { z } from 'zod';
import { ApiError } from './errors.ts';
import { goAny, goDecodeError, goRawTag, goSlice, goString, goStruct, goTag } from './go-json.ts';
import { toValidationError } from './fields.ts';

/** Where the outer decoder stands when the property map's own unmarshaler fails. */
const PARAMS = 'ToolFunctionParameters';

/** `PropertyType`: a string or a list of strings; anything else fails its second try (`[]string`). */
const PropertyTypeSchema = z.unknown().superRefine((v, ctx) => {
  if (v === null || v === undefined || typeof v === 'string') return;
  if (!Array.isArray(v)) return void ctx.addIssue({ code: 'custom', message: goTag(PARAMS, '[]string', true) });
  v.forEach((e, i) => {
    if (e !== null && typeof e !== 'string') ctx.addIssue({ code: 'custom', path: [i], message: goTag(PARAMS, 'string', true) });
  });
});

/** `*ToolPropertiesMap`: go-ordered-map reads it with jsonparser, whose error for a non-object is its own text. */
const propertiesMap = (): z.ZodType =>
  z.record(z.string(), ToolPropertySchema, { error: goRawTag("Value looks like object, but can't find closing '}' symbol") }).nullish();

const ToolPropertySchema: z.ZodType = z.lazy(() =>
  goStruct(
    PARAMS,
    'api.ToolProperty',
    {
      anyOf: goSlice(PARAMS, '[]api.ToolProperty', ToolPropertySchema, true),
      type: PropertyTypeSchema,
      items: goAny(),
      description: goString(PARAMS, true),
      enum: goSlice(PARAMS, '[]interface {}', goAny(), true),
      properties: propertiesMap(),
      required: goSlice(PARAMS, '[]string', goString(PARAMS, true), true),
    },
    true,
  ),
);

const ToolFunctionParametersSchema = goStruct('ToolFunction', 'api.ToolFunctionParameters', {
  type: goString(PARAMS),
  $defs: goAny(),
  items: goAny(),
  required: goSlice(PARAMS, '[]string', goString(PARAMS)),
  properties: propertiesMap(),
});

const ToolSchema = goStruct('ChatRequest', 'api.Tool', {
  type: goString('Tool'),
  items: goAny(),
  function: goStruct('Tool', 'api.ToolFunction', {
    name: goString('ToolFunction'),
    description: goString('ToolFunction'),
    parameters: ToolFunctionParametersSchema,
  }),
});

export const OllamaToolsSchema = goSlice('ChatRequest', 'api.Tools', ToolSchema);
export type OllamaTools = z.infer<typeof OllamaToolsSchema>;

/** JSON field names that hold a map: the next path segment is a key, which Go leaves out of the field path. */
const MAP_FIELDS: ReadonlySet<string> = new Set(['properties']);

/** Parses an Ollama body: a Go decode error is Ollama's 400 text; other field errors keep llmsim's validation text. */
export function parseOllama<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const go = goDecodeError(result.error.issues, body, MAP_FIELDS);
  if (go !== null) throw new ApiError(400, 'BadRequestError', go);
  throw toValidationError(result.error, body);
}

/**
 * `format`: unset (`null`, `""`), `"json"`, or a JSON Schema object; anything else is Ollama's error, quoted from
 * the raw bytes (`%q`; llmsim prints the value as compact JSON, as clients send it).
 */
export function ollamaFormat(format: unknown): 'json' | Record<string, unknown> | null {
  if (format === undefined || format === null || format === '') return null;
  if (format === 'json') return 'json';
  if (typeof format === 'object' && !Array.isArray(format)) return format as Record<string, unknown>;
  throw new ApiError(400, 'BadRequestError', `invalid format: ${goQuote(JSON.stringify(format))}; expected "json" or a valid JSON Schema object`);
}

/** Go's `%q` of a string: double quotes, backslash escapes for quotes, backslashes and control characters. */
function goQuote(s: string): string {
  const named: Record<string, string> = { '\u0007': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u000b': '\\v' };
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (named[ch]) out += named[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
