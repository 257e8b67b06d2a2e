/**
 * @module Walking a request's JSON schema safely: size and depth limits checked without recursion (a schema nested
 * 5,000 deep is a 400, not a stack overflow), local `$ref` resolution, `allOf` merging, and a cheap lower bound on an
 * instance's size that the generator uses to close deep structures the shortest way.
 */
import { ConstraintError } from './constraint-error.ts';
import { compileRegex } from './structured-regex.ts';

export type Schema = Readonly<Record<string, unknown>>;

/** Deepest JSON nesting of a schema document (llmsim limit; vLLM's grammar compilers have none). */
export const MAX_SCHEMA_DEPTH = 128;
/** Most JSON values (objects, arrays, scalars) in one schema document (llmsim limit). */
export const MAX_SCHEMA_NODES = 50_000;
/**
 * Most `properties` one object schema lists (llmsim limit). ajv writes one nested check per property: measured on
 * Node 20's main thread, 2,000 compile in ~1.8 s and 2,200 overflow its stack.
 */
export const MAX_OBJECT_PROPERTIES = 1_024;
/**
 * Most `properties` over the whole document (llmsim limit): ajv's compile time grows with them, 0.6-0.9 ms each on a
 * busy 2-core machine (1,024 in one object 0.84 s; 4 × 1,023 2.6 s, 3.8 s with `format: email`), and a preparation has
 * 2 s (`--max-prepare-ms`). Still far above real schemas (OpenAI's structured outputs stop at 5,000).
 */
export const MAX_SCHEMA_PROPERTIES = 2_048;

/** Checks a schema's size, depth and patterns before anything recursive (ajv, hashing, generation) touches it. */
export function checkSchema(schema: unknown, what = 'the JSON schema'): void {
  const stack: [unknown, number][] = [[schema, 1]];
  let nodes = 0;
  let properties = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (++nodes > MAX_SCHEMA_NODES) throw new ConstraintError(`${what} has more than ${MAX_SCHEMA_NODES} nodes, above llmsim's limit`);
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_SCHEMA_DEPTH) throw new ConstraintError(`${what} is nested deeper than ${MAX_SCHEMA_DEPTH} levels, above llmsim's limit`);
    if (Array.isArray(value)) {
      for (const v of value) stack.push([v, depth + 1]);
      continue;
    }
    const obj = value as Record<string, unknown>;
    // Counted wherever a `properties` object appears (a property named "properties" too: an upper bound is enough).
    const props = obj['properties'];
    if (props !== null && typeof props === 'object' && !Array.isArray(props)) {
      const count = Object.keys(props).length;
      if (count > MAX_OBJECT_PROPERTIES)
        throw new ConstraintError(`${what} has an object with ${count} properties, above llmsim's limit of ${MAX_OBJECT_PROPERTIES}`);
      if ((properties += count) > MAX_SCHEMA_PROPERTIES)
        throw new ConstraintError(`${what} has more than ${MAX_SCHEMA_PROPERTIES} properties in all, above llmsim's limit`);
    }
    if (typeof obj['pattern'] === 'string') compileRegex(obj['pattern']);
    const pp = obj['patternProperties'];
    if (pp && typeof pp === 'object') for (const key of Object.keys(pp)) compileRegex(key);
    for (const v of Object.values(obj)) stack.push([v, depth + 1]);
  }
}

/** The schema a local `$ref` (`#`, `#/$defs/x`, any JSON pointer into the document) points to. */
export function resolveRef(root: Schema, ref: string): Schema | boolean {
  if (!ref.startsWith('#')) throw new ConstraintError(`$ref ${JSON.stringify(ref)} is not supported: only references inside the schema (#/...) are`);
  let node: unknown = root;
  const path = ref.length <= 1 ? [] : ref.slice(ref.startsWith('#/') ? 2 : 1).split('/');
  if (!ref.startsWith('#/') && ref.length > 1)
    throw new ConstraintError(`$ref ${JSON.stringify(ref)} is not supported: anchors are not resolved, use a JSON pointer`);
  for (const raw of path) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  if (typeof node === 'boolean') return node;
  if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new ConstraintError(`$ref ${JSON.stringify(ref)} does not point to a schema`);
  return node as Schema;
}

const MIN_KEYS = ['minLength', 'minItems', 'minProperties', 'minContains', 'minimum', 'exclusiveMinimum'];
const MAX_KEYS = ['maxLength', 'maxItems', 'maxProperties', 'maxContains', 'maximum', 'exclusiveMaximum'];

/** One schema both `a` and `b` describe, as far as the generator needs (ajv still checks the result against the original). */
export function mergeSchemas(a: Schema, b: Schema): Schema {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (MIN_KEYS.includes(key) && typeof prev === 'number' && typeof value === 'number') out[key] = Math.max(prev, value);
    else if (MAX_KEYS.includes(key) && typeof prev === 'number' && typeof value === 'number') out[key] = Math.min(prev, value);
    else if (key === 'required' && Array.isArray(prev) && Array.isArray(value)) out[key] = [...new Set([...prev, ...value])];
    else if (key === 'properties' && isObject(prev) && isObject(value)) out[key] = mergeProperties(prev, value);
    else if (key === 'type') out[key] = intersectTypes(prev, value);
    else if (key === 'enum' && Array.isArray(prev) && Array.isArray(value))
      out[key] = prev.filter((p) => value.some((v) => JSON.stringify(v) === JSON.stringify(p)));
    else if (key === 'additionalProperties' && (prev === false || value === false)) out[key] = false;
    else if ((key === 'items' || key === 'additionalProperties') && isObject(prev) && isObject(value)) out[key] = { allOf: [prev, value] };
    else out[key] = value;
  }
  return out;
}

function mergeProperties(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = out[k] === undefined ? v : { allOf: [out[k], v] };
  return out;
}

function intersectTypes(a: unknown, b: unknown): unknown {
  const list = (t: unknown): string[] => (Array.isArray(t) ? t.map(String) : [String(t)]);
  const bs = list(b);
  const both = list(a).filter((t) => bs.includes(t) || (t === 'integer' && bs.includes('number')));
  const extra = bs.filter((t) => t === 'integer' && list(a).includes('number'));
  const types = [...new Set([...both, ...extra])];
  if (types.length === 0)
    throw new ConstraintError(`the JSON schema cannot be satisfied: allOf requires types ${JSON.stringify(a)} and ${JSON.stringify(b)} at once`);
  return types.length === 1 ? types[0] : types;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Saturated at this: a size lower bound only has to say "small" or "too big to close soon". */
const HUGE = 1e12;

/**
 * A lower bound on the characters of any instance of `schema` (HUGE for none or a required cycle), used to pick the
 * branch, type or `$ref` target that closes fastest once the instance is deep.
 */
export function minCost(schema: unknown, root: Schema, visiting: Set<unknown> = new Set(), depth = 0): number {
  if (schema === true || schema === undefined) return 2;
  if (schema === false || !isObject(schema) || depth > 32) return HUGE;
  if (visiting.has(schema)) return HUGE;
  visiting.add(schema);
  try {
    return Math.min(HUGE, costOf(schema, root, visiting, depth + 1));
  } finally {
    visiting.delete(schema);
  }
}

function costOf(s: Record<string, unknown>, root: Schema, visiting: Set<unknown>, depth: number): number {
  const sub = (x: unknown): number => minCost(x, root, visiting, depth);
  if (typeof s['$ref'] === 'string') {
    try {
      return sub(resolveRef(root, s['$ref']));
    } catch {
      return HUGE;
    }
  }
  if ('const' in s) return 4;
  if (Array.isArray(s['enum'])) return s['enum'].length > 0 ? 4 : HUGE;
  const branches = (Array.isArray(s['anyOf']) ? s['anyOf'] : Array.isArray(s['oneOf']) ? s['oneOf'] : null) as unknown[] | null;
  if (branches) return branches.reduce<number>((m, b) => Math.min(m, sub(b)), HUGE);
  if (Array.isArray(s['allOf'])) return (s['allOf'] as unknown[]).reduce<number>((m, b) => Math.max(m, sub(b)), 2);
  const types = Array.isArray(s['type']) ? (s['type'] as unknown[]) : [s['type']];
  if (types.includes('null') || types.includes('boolean') || types.includes('integer') || types.includes('number')) return 4;
  const num = (k: string): number => (typeof s[k] === 'number' ? (s[k] as number) : 0);
  if (types.includes('array') || 'items' in s || 'prefixItems' in s) return 2 + num('minItems') * (2 + sub(Array.isArray(s['items']) ? true : s['items']));
  if (types.includes('object') || 'properties' in s) {
    const props = isObject(s['properties']) ? s['properties'] : {};
    const required = Array.isArray(s['required']) ? (s['required'] as unknown[]) : [];
    return required.reduce<number>((sum, k) => sum + String(k).length + 6 + sub(props[String(k)]), 2 + num('minProperties') * 6);
  }
  return 2 + num('minLength');
}
