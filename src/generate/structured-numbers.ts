/** @module Numbers for JSON-schema instances: minimum/maximum (both exclusive spellings) and multipleOf, checked for satisfiability. */
import { ConstraintError } from './constraint-error.ts';
import type { Schema } from './structured-schema-walk.ts';
import type { Rng } from './rng.ts';

export function num(s: Schema, key: string): number | undefined {
  return typeof s[key] === 'number' && Number.isFinite(s[key]) ? (s[key] as number) : undefined;
}

/** [lo, hi] from minimum/maximum and both spellings of the exclusive bounds (draft-04 booleans, later numbers). */
function bounds(s: Schema, step: number): [number, number, boolean, boolean] {
  let lo = num(s, 'minimum');
  let hi = num(s, 'maximum');
  let openLo = s['exclusiveMinimum'] === true;
  let openHi = s['exclusiveMaximum'] === true;
  const xlo = num(s, 'exclusiveMinimum');
  const xhi = num(s, 'exclusiveMaximum');
  if (xlo !== undefined && (lo === undefined || xlo >= lo)) [lo, openLo] = [xlo, true];
  if (xhi !== undefined && (hi === undefined || xhi <= hi)) [hi, openHi] = [xhi, true];
  if (lo === undefined && hi === undefined) [lo, hi] = [0, 100 * step];
  else if (lo === undefined) lo = (hi as number) - 100 * step;
  else if (hi === undefined) hi = lo + 100 * step;
  return [lo as number, hi as number, openLo, openHi];
}

export function integer(s: Schema, rng: Rng): number {
  const m = num(s, 'multipleOf');
  const step = m !== undefined && m > 0 ? m : 1;
  const [lo, hi, openLo, openHi] = bounds(s, step);
  const first = Math.ceil((openLo ? lo + 1e-9 : lo) / step);
  const last = Math.floor((openHi ? hi - 1e-9 : hi) / step);
  if (first > last) throw new ConstraintError(`the JSON schema cannot be satisfied: no integer${m ? ` multiple of ${m}` : ''} lies in [${lo}, ${hi}]`);
  const k = first + Math.floor(rng() * Math.min(last - first + 1, 1e9));
  return Number.isInteger(step) ? k * step : Math.round(k * step);
}

export function number(s: Schema, rng: Rng): number {
  const m = num(s, 'multipleOf');
  if (m !== undefined && m > 0) {
    const [lo, hi, openLo, openHi] = bounds(s, m);
    const first = Math.ceil((openLo ? lo + m * 1e-9 : lo) / m);
    const last = Math.floor((openHi ? hi - m * 1e-9 : hi) / m);
    if (first > last) throw new ConstraintError(`the JSON schema cannot be satisfied: no multiple of ${m} lies in [${lo}, ${hi}]`);
    const k = first + Math.floor(rng() * Math.min(last - first + 1, 1e9));
    return Number((k * m).toPrecision(12));
  }
  const [lo, hi, openLo, openHi] = bounds(s, 1);
  if (lo > hi || (lo === hi && (openLo || openHi))) throw new ConstraintError(`the JSON schema cannot be satisfied: no number lies in [${lo}, ${hi}]`);
  const x = Math.round((lo + rng() * (hi - lo)) * 100) / 100;
  const ok = (v: number): boolean => (openLo ? v > lo : v >= lo) && (openHi ? v < hi : v <= hi);
  return ok(x) ? x : ok((lo + hi) / 2) ? (lo + hi) / 2 : lo;
}
