/**
 * @module `response_format` of chat and completions as vLLM types it (`AnyResponseFormat`: `ResponseFormat |
 * StructuralTagResponseFormat | LegacyStructuralTagResponseFormat`, vllm/entrypoints/generate/base/protocol.py), and
 * its `validate_response_format` validator, which (`mode="before"`) reads the raw body ahead of the field check.
 */
import { z } from 'zod';
import { valueError } from './errors.ts';
import { opt, pDict, pList, pStr, pUnion } from './fields.ts';
import { lBool, pLiteral, pModel } from './lax-fields.ts';

/** The schema is `schema` on the wire (pydantic alias of `json_schema`; vLLM's models don't populate by name). */
export const JsonSchemaResponseFormatSchema = pModel('JsonSchemaResponseFormat', {
  name: pStr(),
  description: opt(pStr()),
  schema: opt(pDict()),
  strict: opt(lBool()),
});

const ResponseFormatSchema = pModel('ResponseFormat', {
  type: pLiteral(['text', 'json_object', 'json_schema']),
  json_schema: opt(JsonSchemaResponseFormatSchema),
});

/** `format: Any` has no default: absent is pydantic's "Field required". */
const requiredAny = () => z.unknown().refine((v) => v !== undefined, { error: 'missing::Field required' });

const StructuralTagResponseFormatSchema = pModel('StructuralTagResponseFormat', {
  type: pLiteral(['structural_tag']),
  format: requiredAny(),
});

const LegacyStructuralTagResponseFormatSchema = pModel('LegacyStructuralTagResponseFormat', {
  type: pLiteral(['structural_tag']),
  structures: pList(pModel('LegacyStructuralTag', { begin: pStr(), schema: opt(pDict()), end: pStr() })),
  triggers: pList(pStr()),
});

const STRUCTURAL_TAG = z.union([StructuralTagResponseFormatSchema, LegacyStructuralTagResponseFormatSchema]);

export const AnyResponseFormatSchema = pUnion(
  ['ResponseFormat', 'StructuralTagResponseFormat', 'LegacyStructuralTagResponseFormat'],
  [ResponseFormatSchema, StructuralTagResponseFormatSchema, LegacyStructuralTagResponseFormatSchema],
);
export type AnyResponseFormat = z.infer<typeof AnyResponseFormatSchema>;

/**
 * vLLM's `validate_response_format` on the raw body: `json_schema` must come with its `json_schema` object, and a
 * structural tag must be one of the two structural-tag models (vLLM re-validates it on its own and words any failure
 * as one message). Anything that is not an object is left to the field check, as vLLM's `getattr(..., None)`.
 */
export function checkResponseFormat(body: Readonly<Record<string, unknown>>): void {
  const rf = body['response_format'];
  if (rf === null || typeof rf !== 'object' || Array.isArray(rf)) return;
  const type = (rf as Record<string, unknown>)['type'];
  const js = (rf as Record<string, unknown>)['json_schema'];
  if (type === 'json_schema' && (js === undefined || js === null))
    throw valueError("When response_format type is 'json_schema', the 'json_schema' field must be provided.");
  if (type === 'structural_tag' && !STRUCTURAL_TAG.safeParse(rf).success) throw valueError('Invalid response_format structural_tag specification.');
}
