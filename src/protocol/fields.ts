/** @module Zod field builders that fail with pydantic's error kinds and messages, plus the zod-issue → vLLM validation-error bridge. */
import { z } from 'zod';
import { validationError, type ApiError, type ValidationEntry } from './errors.ts';

const SEP = '::';
const tagged = (kind: string, msg: string) => ({ error: `${kind}${SEP}${msg}` });

export const pInt = () => z.int(tagged('int_type', 'Input should be a valid integer'));
export const pFloat = () => z.number(tagged('float_type', 'Input should be a valid number'));
export const pBool = () => z.boolean(tagged('bool_type', 'Input should be a valid boolean'));
export const pStr = () => z.string(tagged('string_type', 'Input should be a valid string'));
export const pList = <T extends z.ZodType>(item: T) => z.array(item, tagged('list_type', 'Input should be a valid list'));
export const pDict = () => z.record(z.string(), z.unknown(), tagged('dict_type', 'Input should be a valid dictionary'));
/** Optional and nullable, like a pydantic `X | None = None` field. */
export const opt = <T extends z.ZodType>(schema: T) => schema.nullish();

/** Parses `body` with `schema`; on failure throws the vLLM "Bad Request" validation envelope. */
export function parseWith<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw toValidationError(result.error, body);
}

/**
 * `parseWith` for the big request objects (chat: ~50 fields, nearly all optional), visiting only the fields the body
 * has. zod's object parser runs every field's schema even for an absent key — two allocations per field per request,
 * a tenth of a small request's garbage. The outcome is the same: an absent optional field contributes nothing, an
 * absent required one reports what its schema says of `undefined`, issues come in field order, and unknown keys pass
 * through as `looseObject` keeps them.
 */
export function parseRequest<S extends z.ZodRawShape>(schema: z.ZodObject<S>, body: Record<string, unknown>): z.infer<z.ZodObject<S>> {
  const { keys, index, required } = fieldsOf(schema);
  const shape = schema.shape as unknown as Record<string, z.ZodType>;
  // The body's own keys (a handful) are looked up in the field index; walking all fields with `in` cost more than zod.
  const fields: number[] = [];
  let extra: string[] | null = null;
  for (const key in body) {
    const i = index.get(key);
    if (i !== undefined) fields.push(i);
    else if (key !== '__proto__') (extra ??= []).push(key);
  }
  for (const i of required) if (!((keys[i] as string) in body)) fields.push(i);
  // Insertion sort: a handful of indices, mostly in order already (Array#sort allocates a work array per call).
  for (let i = 1; i < fields.length; i++) {
    const f = fields[i] as number;
    let j = i - 1;
    for (; j >= 0 && (fields[j] as number) > f; j--) fields[j + 1] = fields[j] as number;
    fields[j + 1] = f;
  }
  const out: Record<string, unknown> = {};
  let issues: z.core.$ZodIssue[] | null = null;
  for (const i of fields) {
    const key = keys[i] as string;
    const r = (shape[key] as z.ZodType).safeParse(body[key]);
    if (r.success) {
      if (key in body || r.data !== undefined) out[key] = r.data;
      continue;
    }
    issues ??= [];
    for (const issue of r.error.issues) issues.push({ ...issue, path: [key, ...issue.path] });
  }
  if (issues) throw toValidationError(new z.ZodError(issues), body);
  if (extra) for (const key of extra) out[key] = body[key];
  return out as z.infer<z.ZodObject<S>>;
}

interface FieldIndex {
  readonly keys: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Fields whose schema must see an absent key (it reports "Field required"). */
  readonly required: readonly number[];
}

const fieldIndexes = new WeakMap<object, FieldIndex>();

function fieldsOf(schema: z.ZodObject): FieldIndex {
  let f = fieldIndexes.get(schema);
  if (!f) {
    const shape = schema.shape as unknown as Record<string, z.ZodType>;
    const keys = Object.keys(shape);
    const required = keys.flatMap((k, i) => ((shape[k] as z.ZodType)._zod.optin === 'optional' ? [] : [i]));
    fieldIndexes.set(schema, (f = { keys, index: new Map(keys.map((k, i) => [k, i])), required }));
  }
  return f;
}

export function toValidationError(error: z.ZodError, body: unknown): ApiError {
  return validationError(error.issues.flatMap((issue) => entriesOf(issue, [], [], body)));
}

/**
 * One zod issue as pydantic's entries. A `pUnion` that failed lists every member's errors with the member's label
 * in the location (pydantic's smart-union report); any other union is one `union_type` entry.
 */
function entriesOf(issue: z.core.$ZodIssue, locBase: readonly (string | number)[], bodyBase: readonly PropertyKey[], body: unknown): ValidationEntry[] {
  const path = [...bodyBase, ...issue.path];
  const loc = ['body', ...locBase, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  if (issue.code === 'invalid_union' && issue.message.startsWith(`${UNION}${SEP}`)) {
    const labels = issue.message.slice(UNION.length + SEP.length).split(UNION_LABELS);
    return issue.errors.flatMap((members, i) => members.flatMap((sub) => entriesOf(sub, [...loc.slice(1), labels[i] ?? String(i)], path, body)));
  }
  if (issue.code === 'invalid_type' && valueAt(body, path) === undefined) return [{ kind: 'missing', loc, msg: 'Field required' }];
  if (issue.code === 'invalid_union') return [{ kind: 'union_type', loc, msg: 'Input should match one of the allowed types' }];
  // The kind is before the first separator; the message may hold one itself (a grammar's `::=`).
  const at = issue.message.indexOf(SEP);
  return [at < 0 ? { kind: 'value_error', loc, msg: issue.message } : { kind: issue.message.slice(0, at), loc, msg: issue.message.slice(at + SEP.length) }];
}

const UNION = 'pydantic_union';
const UNION_LABELS = '\u0000';

/**
 * A pydantic `A | B | C` field: the first member that accepts the value wins; when none does, every member's errors
 * are reported under its label (`labels[i]`: the class name for a model, `literal['x']` for a literal), as pydantic.
 */
export function pUnion<const T extends readonly [z.ZodType, z.ZodType, ...z.ZodType[]]>(labels: { readonly [K in keyof T]: string }, options: T) {
  return z.union(options, { error: `${UNION}${SEP}${(labels as readonly string[]).join(UNION_LABELS)}` });
}

/** The value at `path` inside `root`, or undefined where the path leaves the objects. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}
