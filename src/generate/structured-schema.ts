/**
 * @module A JSON-schema instance written lazily, piece by piece, as a guided decoder writes it token by token: the
 * caller pulls pieces until its token budget is spent, so `minItems: 1e8` or `minLength: 1e7` costs only what
 * `max_tokens` lets through. Pieces are Python `json.dumps` text (", " and ": " separators). Properties come in schema
 * order; past SOFT_DEPTH levels optional parts are left out and the cheapest branch is taken, so recursive schemas
 * close. The generator aims at validity; ajv has the last word on complete instances (see structured.ts).
 */
import { ConstraintError } from './constraint-error.ts';
import { compileRegex, re2Engine, regexPieces } from './structured-regex.ts';
import { isObject, mergeSchemas, minCost, resolveRef, type Schema } from './structured-schema-walk.ts';
import { formatValue, word, words } from './structured-formats.ts';
import { integer, num, number } from './structured-numbers.ts';
import type { Rng } from './rng.ts';
import { SLICE, batched, escaped, literal, type Pieces } from './structured-pieces.ts';

/** Past this instance depth optional parts are dropped and the shortest branch wins. */
const SOFT_DEPTH = 6;
/** Instances nested deeper than this mean a schema that can never close (a required cycle): refused. */
export const MAX_INSTANCE_DEPTH = 64;
/** Extra array items / string length drawn past the minimum. */
const EXTRA_ITEMS = 3;
const EXTRA_CHARS = 24;
interface Walk {
  readonly root: Schema;
  readonly rng: Rng;
}

/** Pieces of one instance of `root`. */
export function schemaPieces(root: Schema, rng: Rng): Pieces {
  return value(root, { root, rng }, 0);
}

/** `$ref` followed, `allOf` folded in, one `anyOf`/`oneOf` branch chosen: a schema with none of those left. */
function flatten(input: Schema | boolean, walk: Walk, depth: number): Schema | boolean {
  let s: Schema | boolean = input;
  for (let hops = 0; typeof s === 'object'; hops++) {
    if (hops > 64) throw new ConstraintError('the JSON schema has $ref/allOf chains longer than 64 steps');
    const { $ref, allOf, anyOf, oneOf, ...rest } = s as Record<string, unknown>;
    if (typeof $ref === 'string') {
      const target = resolveRef(walk.root, $ref);
      if (target === false) return false;
      s = target === true ? rest : Object.keys(rest).length === 0 ? target : mergeSchemas(target, stripped(rest, allOf, anyOf, oneOf));
      continue;
    }
    if (Array.isArray(allOf)) {
      let merged: Schema = stripped(rest, undefined, anyOf, oneOf);
      for (const part of allOf) {
        const flat = flatten(part as Schema | boolean, walk, depth);
        if (flat === false) return false;
        if (flat !== true) merged = mergeSchemas(merged, flat);
      }
      s = merged;
      continue;
    }
    const branches = (Array.isArray(anyOf) ? anyOf : Array.isArray(oneOf) ? oneOf : null) as (Schema | boolean)[] | null;
    if (branches) {
      if (branches.length === 0) throw new ConstraintError('the JSON schema cannot be satisfied: anyOf/oneOf has no branch');
      const branch = depth >= SOFT_DEPTH ? cheapest(branches, walk.root) : (branches[Math.floor(walk.rng() * branches.length)] as Schema | boolean);
      const base = Array.isArray(anyOf) && Array.isArray(oneOf) ? { ...rest, oneOf } : rest;
      if (branch === false) return false;
      s = branch === true ? base : mergeSchemas(base, branch);
      continue;
    }
    return s;
  }
  return s;
}

function stripped(rest: Record<string, unknown>, allOf: unknown, anyOf: unknown, oneOf: unknown): Schema {
  const out: Record<string, unknown> = { ...rest };
  if (allOf !== undefined) out['allOf'] = allOf;
  if (anyOf !== undefined) out['anyOf'] = anyOf;
  if (oneOf !== undefined) out['oneOf'] = oneOf;
  return out;
}

function cheapest<T>(options: readonly T[], root: Schema): T {
  let best = options[0] as T;
  let cost = Infinity;
  for (const o of options) {
    const c = minCost(o, root);
    if (c < cost) [best, cost] = [o, c];
  }
  return best;
}

function* value(input: Schema | boolean, walk: Walk, depth: number): Pieces {
  if (depth > MAX_INSTANCE_DEPTH)
    throw new ConstraintError(`the JSON schema requires instances nested deeper than ${MAX_INSTANCE_DEPTH} levels (a required cycle never closes)`);
  const s = flatten(input, walk, depth);
  if (s === false) throw new ConstraintError('the JSON schema cannot be satisfied: it requires a value matching `false`');
  if (s === true) return yield* literal(words(walk.rng));
  if ('const' in s) return yield* literal(s['const']);
  if (Array.isArray(s['enum'])) {
    if (s['enum'].length === 0) throw new ConstraintError('the JSON schema cannot be satisfied: enum is empty');
    return yield* literal(s['enum'][Math.floor(walk.rng() * s['enum'].length)]);
  }
  switch (pickType(s, walk, depth)) {
    case 'null':
      return yield 'null';
    case 'boolean':
      return yield walk.rng() < 0.5 ? 'true' : 'false';
    case 'integer':
      return yield JSON.stringify(integer(s, walk.rng));
    case 'number':
      return yield JSON.stringify(number(s, walk.rng));
    case 'array':
      return yield* array(s, walk, depth);
    case 'object':
      return yield* object(s, walk, depth);
    default:
      return yield* string(s, walk.rng);
  }
}

const TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'object', 'array'];

function pickType(s: Schema, walk: Walk, depth: number): string {
  const declared = Array.isArray(s['type']) ? (s['type'] as unknown[]).map(String) : typeof s['type'] === 'string' ? [s['type']] : inferred(s);
  const types = declared.filter((t) => TYPES.includes(t));
  if (types.length === 0) throw new ConstraintError(`the JSON schema uses an unknown type ${JSON.stringify(s['type'])}`);
  if (types.length === 1) return types[0] as string;
  if (depth >= SOFT_DEPTH) return types.includes('null') ? 'null' : (types.find((t) => t !== 'object' && t !== 'array') ?? (types[0] as string));
  return types[Math.floor(walk.rng() * types.length)] as string;
}

function inferred(s: Schema): string[] {
  if ('properties' in s || 'required' in s || 'additionalProperties' in s || 'minProperties' in s || 'patternProperties' in s) return ['object'];
  if ('items' in s || 'prefixItems' in s || 'minItems' in s || 'contains' in s) return ['array'];
  if ('minimum' in s || 'maximum' in s || 'exclusiveMinimum' in s || 'exclusiveMaximum' in s || 'multipleOf' in s) return ['number'];
  return ['string'];
}

function* string(s: Schema, rng: Rng): Pieces {
  if (typeof s['format'] === 'string') {
    const v = formatValue(s['format'], rng);
    if (v !== null) return yield JSON.stringify(v);
  }
  yield '"';
  if (typeof s['pattern'] === 'string') for (const piece of batched(regexPieces(compileRegex(s['pattern']), rng))) yield escaped(piece);
  else if (num(s, 'minLength') === undefined && num(s, 'maxLength') === undefined) yield words(rng);
  else {
    const min = Math.max(0, Math.ceil(num(s, 'minLength') ?? 0));
    const max = Math.floor(num(s, 'maxLength') ?? Infinity);
    if (min > max) throw new ConstraintError(`the JSON schema cannot be satisfied: minLength ${min} > maxLength ${max}`);
    const length = min + Math.floor(rng() * (Math.min(max - min, EXTRA_CHARS) + 1));
    // Words until `length` characters (all ASCII: one code point each), the last one cut to fit.
    for (let written = 0; written < length; ) {
      const w = `${written === 0 ? '' : ' '}${word(rng)}`.slice(0, length - written);
      written += w.length;
      yield w;
    }
  }
  yield '"';
}

function* array(s: Schema, walk: Walk, depth: number): Pieces {
  const prefix = (Array.isArray(s['prefixItems']) ? s['prefixItems'] : Array.isArray(s['items']) ? s['items'] : []) as (Schema | boolean)[];
  const rest = (Array.isArray(s['items']) ? (s['additionalItems'] ?? true) : (s['items'] ?? true)) as Schema | boolean;
  const min = Math.max(0, Math.ceil(num(s, 'minItems') ?? 0));
  let max = Math.floor(num(s, 'maxItems') ?? Infinity);
  if (rest === false) max = Math.min(max, prefix.length);
  if (min > max) throw new ConstraintError(`the JSON schema cannot be satisfied: minItems ${min} > maxItems ${max}`);
  const contains = s['contains'] as Schema | boolean | undefined;
  const minContains = contains === undefined ? 0 : Math.max(1, num(s, 'minContains') ?? 1);
  const floor = Math.max(min, minContains);
  const spread = depth >= SOFT_DEPTH ? 0 : Math.min(max - floor, EXTRA_ITEMS);
  const count = floor + (spread > 0 ? Math.floor(walk.rng() * (spread + 1)) : 0);
  const seen = s['uniqueItems'] === true ? new Set<string>() : null;
  yield '[';
  for (let i = 0; i < count; i++) {
    if (i > 0) yield ', ';
    const item = i < minContains ? (contains as Schema | boolean) : i < prefix.length ? (prefix[i] as Schema | boolean) : rest;
    yield* seen ? uniqueItem(item, walk, depth + 1, seen) : value(item, walk, depth + 1);
  }
  yield ']';
}

/** Small items are drawn again (a few times) when they repeat an earlier one; an item over a few KB is released as is. */
function* uniqueItem(item: Schema | boolean, walk: Walk, depth: number, seen: Set<string>): Pieces {
  for (let attempt = 0; ; attempt++) {
    const parts: string[] = [];
    let size = 0;
    const it = value(item, walk, depth);
    for (let r = it.next(); !r.done; r = it.next()) {
      parts.push(r.value);
      if ((size += r.value.length) > SLICE) {
        yield* parts;
        yield* it;
        return;
      }
    }
    const text = parts.join('');
    if (!seen.has(text) || attempt >= 8) {
      seen.add(text);
      return yield text;
    }
  }
}

function* object(s: Schema, walk: Walk, depth: number): Pieces {
  const props = (isObject(s['properties']) ? s['properties'] : {}) as Record<string, Schema | boolean>;
  const required = new Set((Array.isArray(s['required']) ? s['required'] : []).map(String));
  const minProps = Math.max(0, Math.ceil(num(s, 'minProperties') ?? 0));
  const maxProps = Math.floor(num(s, 'maxProperties') ?? Infinity);
  const additional = s['additionalProperties'] as Schema | boolean | undefined;
  const dependent = dependentRequired(s);
  const chosen = new Set<string>();
  for (const key of Object.keys(props)) {
    if (required.has(key) || (depth < SOFT_DEPTH && chosen.size < maxProps && walk.rng() < 0.5)) chosen.add(key);
  }
  for (const key of required) chosen.add(key);
  for (const key of [...chosen]) for (const d of dependent.get(key) ?? []) chosen.add(d);
  for (const key of Object.keys(props)) if (chosen.size < minProps) chosen.add(key);
  yield '{';
  let count = 0;
  for (const key of orderedKeys(chosen, props)) {
    yield `${count++ === 0 ? '' : ', '}${JSON.stringify(key)}: `;
    yield* value(props[key] ?? patternSchema(s, key) ?? additionalSchema(additional), walk, depth + 1);
  }
  // Still short of minProperties: extra keys, as many as needed (lazily: a huge minimum is cut by the token budget).
  const patterns = isObject(s['patternProperties']) ? Object.entries(s['patternProperties']) : [];
  if (count < minProps && additional === false && patterns.length === 0)
    throw new ConstraintError(`the JSON schema cannot be satisfied: minProperties ${minProps} with only ${count} allowed properties`);
  for (let i = 0; count < minProps; i++) {
    const [key, schema] = additional === false ? patternKey(patterns, walk.rng, i) : [`${word(walk.rng)}_${i}`, additionalSchema(additional)];
    yield `${count++ === 0 ? '' : ', '}${JSON.stringify(key)}: `;
    yield* value(schema, walk, depth + 1);
  }
  yield '}';
}

/** Properties in the schema's order, then required names the schema does not list. */
function orderedKeys(chosen: Set<string>, props: Record<string, unknown>): string[] {
  const listed = Object.keys(props).filter((k) => chosen.has(k));
  return [...listed, ...[...chosen].filter((k) => !(k in props))];
}

function dependentRequired(s: Schema): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const source of [s['dependentRequired'], s['dependencies']]) {
    if (!isObject(source)) continue;
    for (const [k, v] of Object.entries(source)) if (Array.isArray(v)) out.set(k, v.map(String));
  }
  return out;
}

function patternSchema(s: Schema, key: string): Schema | boolean | undefined {
  if (!isObject(s['patternProperties'])) return undefined;
  for (const [pattern, schema] of Object.entries(s['patternProperties'])) {
    if (re2Engine(pattern).test(key)) return schema as Schema | boolean;
  }
  return undefined;
}

function additionalSchema(additional: Schema | boolean | undefined): Schema | boolean {
  return additional === undefined || additional === true || additional === false ? true : additional;
}

function patternKey(patterns: [string, unknown][], rng: Rng, i: number): [string, Schema | boolean] {
  const [pattern, schema] = patterns[i % patterns.length] as [string, unknown];
  let key = '';
  for (const piece of regexPieces(compileRegex(pattern), rng)) if ((key += piece).length > 256) break;
  return [key, schema as Schema | boolean];
}
