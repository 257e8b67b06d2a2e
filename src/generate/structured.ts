/**
 * @module Schema-true structured output: JSON that validates against the request's schema (json-schema-faker, seeded from the
 * choice's stream, checked with ajv), strings matching a regex, or one of a list of choices.
 */
import { generateSync, type JsonSchema } from 'json-schema-faker';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { PROSE_CORPUS } from './corpus.ts';
import type { Rng } from './rng.ts';
import { canonicalJson } from './rng.ts';
import { pyJsonDumps } from './pyjson.ts';

export type Constraint =
  | { readonly kind: 'json'; readonly schema: Record<string, unknown> | null }
  | { readonly kind: 'regex'; readonly pattern: string }
  | { readonly kind: 'choice'; readonly choices: readonly string[] };

/** A schema or pattern llmsim cannot honour; the route turns it into a 400 with this reason. */
export class ConstraintError extends Error {}

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();
const WORDS = [...new Set(PROSE_CORPUS.toLowerCase().match(/[a-z]+/g) ?? [])];
const WORDS_FORMAT = 'llmsim-words';

/** Any JSON object when the request only asked for `json_object`. */
const ANY_OBJECT: Record<string, unknown> = {
  type: 'object',
  properties: { answer: { type: 'string' }, details: { type: 'array', items: { type: 'string' }, maxItems: 3 }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
  required: ['answer', 'confidence'],
};

/** The text a model constrained by `constraint` writes. Throws ConstraintError for unusable constraints. */
export function constrainedText(constraint: Constraint, rng: Rng): string {
  switch (constraint.kind) {
    case 'choice':
      if (constraint.choices.length === 0) throw new ConstraintError('choice must contain at least one option');
      return constraint.choices[Math.floor(rng() * constraint.choices.length)] as string;
    case 'regex':
      return regexText(constraint.pattern, rng);
    case 'json':
      return pyJsonDumps(schemaInstance(constraint.schema ?? ANY_OBJECT, rng));
  }
}

/** An instance of `schema` that validates; a few draws are tried before the schema is declared unsatisfiable. */
export function schemaInstance(input: Record<string, unknown>, rng: Rng): unknown {
  // Clients (zod, pydantic) stamp draft-07 or 2020-12 `$schema`; one validator reads both, so the stamp is dropped.
  const { $schema: _ignored, ...schema } = input;
  const validate = validatorFor(schema);
  const prepared = withReadableStrings(schema) as JsonSchema;
  let lastError = 'no instance generated';
  for (let attempt = 0; attempt < 5; attempt++) {
    let value: unknown;
    try {
      value = generateSync(prepared, { seed: Math.floor(rng() * 2 ** 31), maxDepth: 6, formats: { [WORDS_FORMAT]: () => words(rng) } });
    } catch (err) {
      throw new ConstraintError(`the JSON schema could not be used: ${(err as Error).message}`);
    }
    if (validate(value)) return value;
    lastError = ajv.errorsText(validate.errors);
  }
  throw new ConstraintError(`the JSON schema cannot be satisfied: ${lastError}`);
}

function validatorFor(schema: Record<string, unknown>): ValidateFunction {
  const key = canonicalJson(schema);
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (err) {
      throw new ConstraintError(`invalid JSON schema: ${(err as Error).message}`);
    }
    if (compiled.size > 256) compiled.clear();
    compiled.set(key, validate);
  }
  return validate;
}

function regexText(pattern: string, rng: Rng): string {
  try {
    new RegExp(pattern, 'u');
  } catch (err) {
    throw new ConstraintError(`invalid regex: ${(err as Error).message}`);
  }
  const value = generateSync({ type: 'string', pattern }, { seed: Math.floor(rng() * 2 ** 31) });
  if (typeof value !== 'string' || !new RegExp(`^(?:${pattern})$`, 'u').test(value)) {
    throw new ConstraintError(`cannot generate text for the regex ${JSON.stringify(pattern)}`);
  }
  return value;
}

/** Plain unconstrained strings get words instead of random letters, so JSON answers read like language. */
function withReadableStrings(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withReadableStrings);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema as Record<string, unknown>)) out[k] = k === 'enum' || k === 'const' || k === 'examples' || k === 'default' ? v : withReadableStrings(v);
  const plain = out['type'] === 'string' && !['format', 'pattern', 'enum', 'const', 'minLength', 'maxLength'].some((k) => k in out);
  if (plain) out['format'] = WORDS_FORMAT;
  return out;
}

function words(rng: Rng): string {
  const n = 1 + Math.floor(rng() * 4);
  return Array.from({ length: n }, () => WORDS[Math.floor(rng() * WORDS.length)]).join(' ');
}
