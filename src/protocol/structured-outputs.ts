/**
 * @module `structured_outputs` and the legacy `guided_*` fields of chat and completions as vLLM 0.11 types them:
 * `StructuredOutputsParams` (vllm/sampling_params.py), a stdlib dataclass pydantic validates field by field before
 * its `__post_init__` ("only one kind"), and the request's `check_structured_outputs_count` before-validator, which
 * reads the raw body ahead of both. The guided_* fields (deprecated in 0.11, removed in 0.12 by vllm#29326, after
 * which vLLM ignores them as unknown keys) are forwarded into a plain `StructuredOutputsParams(**kwargs)` when no
 * `structured_outputs` is given, so their "only one kind" error is the dataclass's own ValueError, a 400
 * `BadRequestError` from the serving layer rather than pydantic's envelope.
 */
import { z } from 'zod';
import { ApiError, valueError } from './errors.ts';
import { opt, pDict, pList, pStr, pUnion } from './fields.ts';
import { lBool, pModel } from './lax-fields.ts';
import { pyRepr } from './pyformat.ts';

/** The dataclass's constraint fields, which `__post_init__` allows one of. */
const KINDS = ['json', 'regex', 'choice', 'grammar', 'json_object', 'structural_tag'] as const;

const dataclassFields = {
  json: opt(pUnion(['str', 'dict[any,any]'], [pStr(), pDict()])),
  regex: opt(pStr()),
  choice: opt(pList(pStr())),
  grammar: opt(pStr()),
  json_object: opt(lBool()),
  // `bool = False`, not Optional: null is pydantic's bool_type.
  disable_fallback: lBool().optional(),
  disable_any_whitespace: lBool().optional(),
  disable_additional_properties: lBool().optional(),
  whitespace_pattern: opt(pStr()),
  structural_tag: opt(pStr()),
};

export const StructuredOutputsSchema = z
  .looseObject(dataclassFields, { error: 'dataclass_type::Input should be a dictionary or an instance of StructuredOutputsParams' })
  .superRefine((so, ctx) => {
    const message = onlyOneKind(so);
    if (message) ctx.addIssue({ code: 'custom', message: `value_error::Value error, ${message}` });
  });
export type StructuredOutputs = z.infer<typeof StructuredOutputsSchema>;

/** The 0.11 request fields that feed `StructuredOutputsParams` when `structured_outputs` is absent (plus the backend, ignored). */
export const guidedFields = {
  guided_json: opt(pUnion(['str', 'dict[any,any]', 'BaseModel'], [pStr(), pDict(), pModel('BaseModel', {})])),
  guided_regex: opt(pStr()),
  guided_choice: opt(pList(pStr())),
  guided_grammar: opt(pStr()),
  structural_tag: opt(pStr()),
  guided_decoding_backend: opt(pStr()),
  guided_whitespace_pattern: opt(pStr()),
} as const;
type Guided = z.infer<z.ZodObject<typeof guidedFields>>;

/**
 * vLLM's `check_structured_outputs_count` on the raw body: more than one of json, regex and choice (whatever their
 * types) is its 400 ahead of the field check. A `structured_outputs` that is not an object is left to the field check
 * (vLLM's `.get` raises AttributeError there: its 500).
 */
export function checkStructuredOutputsCount(body: Readonly<Record<string, unknown>>): void {
  const so = body['structured_outputs'];
  if (so === null || typeof so !== 'object' || Array.isArray(so)) return;
  const d = so as Record<string, unknown>;
  const count = ['json', 'regex', 'choice'].filter((k) => d[k] !== undefined && d[k] !== null).length;
  if (count > 1) throw valueError("You can only use one kind of constraints for structured outputs ('json', 'regex' or 'choice').");
}

/**
 * The structured-output parameters in force: `structured_outputs` as validated, else the guided_* fields forwarded
 * as vLLM 0.11's `to_sampling_params` does (null: neither was given).
 */
export function structuredOutputsOf(r: { structured_outputs?: StructuredOutputs | null | undefined } & Guided): StructuredOutputs | null {
  if (r.structured_outputs) return r.structured_outputs;
  const forwarded: Record<string, unknown> = {
    json: r.guided_json,
    regex: r.guided_regex,
    choice: r.guided_choice,
    grammar: r.guided_grammar,
    whitespace_pattern: r.guided_whitespace_pattern,
    structural_tag: r.structural_tag,
  };
  for (const k of Object.keys(forwarded)) if (forwarded[k] === undefined || forwarded[k] === null) delete forwarded[k];
  if (Object.keys(forwarded).length === 0) return null;
  const message = onlyOneKind(forwarded);
  // Raised in to_sampling_params, caught by the serving layer's `except ValueError`: a plain 400.
  if (message) throw new ApiError(400, 'BadRequestError', message);
  return forwarded as StructuredOutputs;
}

/** `__post_init__`'s check; the message prints the instance's `__dict__` (every field, in declaration order). */
function onlyOneKind(so: Readonly<Record<string, unknown>>): string | null {
  const count = KINDS.filter((k) => so[k] !== undefined && so[k] !== null).length;
  if (count <= 1) return null;
  return `You can only use one kind of structured outputs constraint but multiple are specified: ${pyRepr(instanceDict(so))}`;
}

function instanceDict(so: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const value = (k: string, fallback: unknown) => (so[k] === undefined ? fallback : so[k]);
  return {
    json: value('json', null),
    regex: value('regex', null),
    choice: value('choice', null),
    grammar: value('grammar', null),
    json_object: value('json_object', null),
    disable_fallback: value('disable_fallback', false),
    disable_any_whitespace: value('disable_any_whitespace', false),
    disable_additional_properties: value('disable_additional_properties', false),
    whitespace_pattern: value('whitespace_pattern', null),
    structural_tag: value('structural_tag', null),
    _backend: null,
    _backend_was_auto: false,
  };
}
