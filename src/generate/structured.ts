/**
 * @module Schema-true structured output, bounded by construction: JSON that validates against the request's schema,
 * strings matching a regex, or one of a list of choices. Every kind is written lazily (structured-schema.ts,
 * structured-regex.ts) and pulled only until the token budget is spent (structured-budget.ts), so a schema or
 * pattern asking for a 100 MB value ends, like guided decoding, after `max_tokens` tokens with finish `length`.
 * A complete JSON instance is checked with ajv (patterns through RE2, so no check backtracks) and drawn again if a
 * keyword the generator only approximates (`oneOf`, `not`, `uniqueItems`...) made it invalid.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import type { Rng } from './rng.ts';
import { canonicalJson } from './rng.ts';
import { ConstraintError } from './constraint-error.ts';
import { compileRegex, fullMatcher, re2Engine, regexPieces } from './structured-regex.ts';
import { checkSchema, type Schema } from './structured-schema-walk.ts';
import { schemaPieces } from './structured-schema.ts';
import { batched, sliced } from './structured-pieces.ts';
import { drain, type BoundedText, type TextBudget } from './structured-budget.ts';

export { ConstraintError } from './constraint-error.ts';
export type { BoundedText, TextBudget } from './structured-budget.ts';

export type Constraint =
  | { readonly kind: 'json'; readonly schema: Record<string, unknown> | null; readonly fromPrompt?: true }
  | { readonly kind: 'regex'; readonly pattern: string }
  | { readonly kind: 'choice'; readonly choices: readonly string[] };

/** Without a token budget (`constrainedText`, `schemaInstance`) an instance longer than this is refused. */
export const MAX_UNBUDGETED_CHARS = 262_144;
/** Draws of a complete instance before the schema is declared unsatisfiable. */
const ATTEMPTS = 5;

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => void;
// No logger: on a failed compile ajv prints the whole generated validator (megabytes for a big schema) to the console.
// Nothing a client is told comes from it: compile errors are thrown (a 400 below), validation errors read errorsText.
const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true, logger: false, code: { regExp: re2Engine } });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

/** Any JSON object when the request only asked for `json_object`. */
const ANY_OBJECT: Record<string, unknown> = {
  type: 'object',
  properties: {
    answer: { type: 'string' },
    details: { type: 'array', items: { type: 'string' }, maxItems: 3 },
    confidence: { type: 'number', minimum: 0, maximum: 1 },
  },
  required: ['answer', 'confidence'],
};

/**
 * Checks a constraint before any generation (schema size and depth, regex syntax, ajv compilation): ConstraintError
 * for one llmsim cannot honour, so the route answers 400 whatever the choice's stream would have drawn.
 */
export function checkConstraint(constraint: Constraint): void {
  switch (constraint.kind) {
    case 'choice':
      if (constraint.choices.length === 0) throw new ConstraintError('choice must contain at least one option');
      return;
    case 'regex':
      compileRegex(constraint.pattern);
      return;
    case 'json':
      if (constraint.schema) validatorFor(constraint.schema);
  }
}

/** Checks a tool's parameter schema the same way (depth and size first: tool schemas reach ajv too). */
export function checkToolSchema(schema: Record<string, unknown>, what: string): void {
  validatorFor(schema, what);
}

/** The text a model constrained by `constraint` writes within `budget` (cut there, `complete: false`, when longer). */
export function boundedConstrainedText(constraint: Constraint, rng: Rng, budget: TextBudget | null): BoundedText {
  switch (constraint.kind) {
    case 'choice': {
      if (constraint.choices.length === 0) throw new ConstraintError('choice must contain at least one option');
      const choice = constraint.choices[Math.floor(rng() * constraint.choices.length)] as string;
      return drain(sliced(choice), budget, MAX_UNBUDGETED_CHARS);
    }
    case 'regex':
      return boundedRegexText(constraint.pattern, rng, budget);
    case 'json':
      if (!constraint.fromPrompt) return boundedSchemaText(constraint.schema ?? ANY_OBJECT, rng, budget);
      // A schema read from the prompt (json_object) is no contract of the client's: one llmsim cannot meet is no 400.
      try {
        return boundedSchemaText(constraint.schema ?? ANY_OBJECT, rng, budget);
      } catch (err) {
        if (err instanceof ConstraintError) return boundedSchemaText(ANY_OBJECT, rng, budget);
        throw err;
      }
  }
}

/** The whole text for `constraint` (no token budget; refused past MAX_UNBUDGETED_CHARS). */
export function constrainedText(constraint: Constraint, rng: Rng): string {
  return whole(boundedConstrainedText(constraint, rng, null));
}

/** An instance of `schema` as a value (tool arguments, canned answers); refused past MAX_UNBUDGETED_CHARS. */
export function schemaInstance(schema: Record<string, unknown>, rng: Rng): unknown {
  return JSON.parse(whole(boundedSchemaText(schema, rng, null)));
}

function whole(out: BoundedText): string {
  if (!out.complete) throw new ConstraintError(`the constrained output would be longer than ${MAX_UNBUDGETED_CHARS} characters`);
  return out.text;
}

/** JSON text of an instance of `input` within `budget`; complete instances validate against the schema. */
export function boundedSchemaText(input: Record<string, unknown>, rng: Rng, budget: TextBudget | null): BoundedText {
  // Clients (zod, pydantic) stamp draft-07 or 2020-12 `$schema`; one validator reads both, so the stamp is dropped.
  const { $schema: _ignored, ...schema } = input;
  const validate = validatorFor(schema);
  let lastError = 'no instance generated';
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const out = drain(schemaPieces(schema as Schema, rng), budget, MAX_UNBUDGETED_CHARS);
    if (!out.complete) return out;
    if (validate(JSON.parse(out.text))) return out;
    lastError = ajv.errorsText(validate.errors);
  }
  throw new ConstraintError(`the JSON schema cannot be satisfied: ${lastError}`);
}

function boundedRegexText(pattern: string, rng: Rng, budget: TextBudget | null): BoundedText {
  const tree = compileRegex(pattern);
  const matches = fullMatcher(pattern);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const out = drain(batched(regexPieces(tree, rng)), budget, MAX_UNBUDGETED_CHARS);
    // Only word boundaries (`\b`) can make a generated string miss; RE2 checks complete ones in linear time.
    if (!out.complete || matches === null || matches(out.text)) return out;
  }
  throw new ConstraintError(`cannot generate text for the regex ${JSON.stringify(pattern.slice(0, 200))}`);
}

function validatorFor(input: Record<string, unknown>, what?: string): ValidateFunction {
  const { $schema: _ignored, ...schema } = input;
  checkSchema(schema, what);
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
