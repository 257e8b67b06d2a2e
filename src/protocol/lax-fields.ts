/**
 * @module Zod field builders for pydantic's lax mode (what a vLLM request model accepts from JSON): numbers given as
 * numeric strings, integers as whole floats, booleans as `"true"`/`1`; anything else fails with pydantic's kind and
 * message (`float_parsing` for `"hot"`). Errors are tagged like `fields.ts` so `toValidationError` renders them.
 */
import { z } from 'zod';

const SEP = '::';
const fail = (ctx: z.RefinementCtx, kind: string, msg: string): typeof z.NEVER => {
  ctx.addIssue({ code: 'custom', message: `${kind}${SEP}${msg}` });
  return z.NEVER;
};

/** pydantic's number syntax for strings: optional sign, digits, fraction, exponent; `inf`/`nan` spelled out. */
const NUMBER = /^[+-]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][+-]?\d+)?$/;
const SPECIAL = /^[+-]?(inf|infinity|nan)$/i;

/** `float` in lax mode: numbers, booleans and numeric strings. */
export const lFloat = () =>
  z.unknown().transform((v, ctx): number => {
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'string') {
      const s = v.trim();
      if (NUMBER.test(s) && !/__|_\.|\._|_$|^_/.test(s)) return Number(s.replace(/_/g, ''));
      if (SPECIAL.test(s)) return s.toLowerCase().includes('nan') ? NaN : s.startsWith('-') ? -Infinity : Infinity;
      return fail(ctx, 'float_parsing', 'Input should be a valid number, unable to parse string as a number');
    }
    return fail(ctx, 'float_type', 'Input should be a valid number');
  });

/** `int` in lax mode: integers, whole floats, booleans and integer strings. */
export const lInt = () =>
  z.unknown().transform((v, ctx): number => {
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'number') {
      if (Number.isInteger(v)) return v;
      if (!Number.isFinite(v)) return fail(ctx, 'finite_number', 'Input should be a finite number');
      return fail(ctx, 'int_from_float', 'Input should be a valid integer, got a number with a fractional part');
    }
    if (typeof v === 'string') {
      const s = v.trim();
      if (/^[+-]?\d+$/.test(s)) return Number(s);
      if (/^[+-]?\d+\.0*$/.test(s)) return Number(s);
      return fail(ctx, 'int_parsing', 'Input should be a valid integer, unable to parse string as an integer');
    }
    return fail(ctx, 'int_type', 'Input should be a valid integer');
  });

/** `Annotated[int, Field(ge=min)]` in lax mode: pydantic's `greater_than_equal` below `min`. */
export const lIntGe = (min: number) => lInt().refine((n) => n >= min, { error: `greater_than_equal${SEP}Input should be greater than or equal to ${min}` });

const TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** `bool` in lax mode: booleans, 0/1 and pydantic's yes/no words. */
export const lBool = () =>
  z.unknown().transform((v, ctx): boolean => {
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1) return v === 1;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      return fail(ctx, 'bool_parsing', 'Input should be a valid boolean, unable to interpret input');
    }
    if (typeof v === 'number') return fail(ctx, 'bool_parsing', 'Input should be a valid boolean, unable to interpret input');
    return fail(ctx, 'bool_type', 'Input should be a valid boolean');
  });

/** A `Literal[...]` field with pydantic's message: `Input should be 'a', 'b' or 'c'`. */
export function pLiteral<const T extends readonly [string, ...string[]]>(values: T) {
  const quoted = values.map((v) => `'${v}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return z.enum(values, { error: `literal_error${SEP}Input should be ${list}` });
}

/** A nested pydantic model: anything but an object fails with `model_type` naming the class, as pydantic does. */
export function pModel<S extends z.ZodRawShape>(className: string, shape: S) {
  return z.looseObject(shape, { error: `model_type${SEP}Input should be a valid dictionary or instance of ${className}` });
}
