/**
 * @module Zod field builders that fail as Go's `encoding/json` does when it decodes into a typed struct (what
 * Ollama's handlers do with `c.ShouldBindJSON`): `null` is always accepted (it leaves the zero value), unknown keys
 * are ignored, and a value of the wrong JSON kind is an `UnmarshalTypeError` whose text names the innermost struct,
 * the path of JSON field names (no array indices, no map keys) and the Go type:
 * `json: cannot unmarshal number into Go struct field ToolFunction.tools.function.name of type string`.
 *
 * Go records the first such error and decodes on; an error returned by a custom `UnmarshalJSON` (Ollama's
 * `PropertyType` and ordered property maps) stops the decode at once and wins over the recorded one. Issues carry
 * their kind in the message (`go` or `goabort`), the struct and Go type; `goDecodeError` picks the one Go reports.
 */
import { z } from 'zod';
import { valueAt } from './fields.ts';

const SEP = '::';

/** An issue message for a value that is not `goType`, inside struct `struct` (`abort`: under a custom unmarshaler). */
export const goTag = (struct: string, goType: string, abort = false) => `${abort ? 'goabort' : 'go'}${SEP}${struct}${SEP}${goType}`;
/** An unmarshaler's own error text (not a type error: Go prints it as is). */
export const goRawTag = (text: string) => `goraw${SEP}${text}`;

/** A Go `string` field of `struct`. */
export const goString = (struct: string, abort = false) => z.string({ error: goTag(struct, 'string', abort) }).nullish();
/** A Go slice field: `goType` names it (`[]string`, `api.Tools`). */
export const goSlice = <T extends z.ZodType>(struct: string, goType: string, item: T, abort = false) =>
  z.array(item, { error: goTag(struct, goType, abort) }).nullish();
/** A Go struct value of `struct` (its own fields typed by `shape`); unknown keys pass. */
export const goStruct = <S extends z.ZodRawShape>(struct: string, goType: string, shape: S, abort = false) =>
  z.looseObject(shape, { error: goTag(struct, goType, abort) }).nullish();
/** `any` / `json.RawMessage`: every JSON value. */
export const goAny = () => z.unknown().optional();

/**
 * The error Go's decoder returns for the issues of one body (`fields`: the JSON field names that hold a map, whose
 * next path segment is a key), or null when none is a Go issue.
 */
export function goDecodeError(issues: readonly z.core.$ZodIssue[], body: unknown, mapFields: ReadonlySet<string>): string | null {
  let saved: string | null = null;
  for (const issue of [...issues].sort((a, b) => compareInBody(a.path, b.path, body))) {
    const [kind, struct = '', goType = ''] = issue.message.split(SEP);
    if (kind === 'goraw') return issue.message.slice(kind.length + SEP.length);
    if (kind !== 'go' && kind !== 'goabort') continue;
    const field = `${struct}.${fieldPath(issue.path, mapFields)}`;
    const message = `json: cannot unmarshal ${jsonKind(valueAt(body, issue.path))} into Go struct field ${field} of type ${goType}`;
    if (kind === 'goabort') return message;
    saved ??= message;
  }
  return saved;
}

/** Go's names for the kind of a JSON value in an UnmarshalTypeError. */
function jsonKind(value: unknown): string {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return Array.isArray(value) ? 'array' : 'object';
}

/** JSON field names along the path: array indices dropped, and the key that follows a map field. */
function fieldPath(path: readonly PropertyKey[], mapFields: ReadonlySet<string>): string {
  const names: string[] = [];
  let key = false;
  for (const p of path) {
    if (typeof p === 'number') continue;
    if (key) {
      key = false;
      continue;
    }
    names.push(String(p));
    key = mapFields.has(String(p));
  }
  return names.join('.');
}

/** Document order of two paths in the body (Go decodes keys as they come). */
function compareInBody(a: readonly PropertyKey[], b: readonly PropertyKey[], body: unknown): number {
  let v = body;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      if (typeof a[i] === 'number' && typeof b[i] === 'number') return (a[i] as number) - (b[i] as number);
      const keys = v !== null && typeof v === 'object' ? Object.keys(v) : [];
      return keys.indexOf(String(a[i])) - keys.indexOf(String(b[i]));
    }
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[a[i] as PropertyKey] : undefined;
  }
  return a.length - b.length;
}
