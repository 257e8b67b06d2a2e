/**
 * @module The stand-ins of template-probe.ts: the values a probed chat template sees instead of message contents
 * (`Atom`, a jinja string value whose text is a private-use delimiter pair around an index), the guards their
 * answers are recorded as, and what counts as a value holding content (`tainted`). The predicates an Atom offers
 * (startswith, endswith) and the trims it derives run the library's own builtin on the real content, so a guard's
 * answer is exactly what jinja would have computed.
 */
import { Environment } from '@huggingface/jinja';

/** Delimiters of a stand-in (Unicode private use: no shipped template, special token or role contains them). */
export const SENTINEL_OPEN = '\uE000';
export const SENTINEL_CLOSE = '\uE001';

/** A recorded answer: value `value` gave `answer` to the test; a skeleton is reused only where every answer repeats. */
export interface Guard {
  readonly value: number;
  readonly test: 'startsWith' | 'endsWith' | 'includes' | 'equals' | 'nonEmpty';
  readonly arg: string;
  readonly answer: boolean;
}

/** Value `contents.length + i` is `op` applied to value `from`. */
export interface Derivation {
  readonly from: number;
  readonly op: 'trim' | 'trimStart' | 'trimEnd';
}

/** Thrown wherever the template would read content in a way no guard describes. */
export class ProbeStop extends Error {}

// The runtime value classes are not exported: taken from values the environment converts.
export interface Value {
  readonly type: string;
  readonly value: unknown;
  readonly builtins: { get(name: string): unknown };
  __bool__(): Value;
  toString(): string;
}
type ValueClass = new (value?: unknown) => Value;
const classes = new Environment();
const classOf = (name: string, v: unknown): ValueClass => (classes.set(name, v) as unknown as { constructor: ValueClass }).constructor;
export const StringValue = classOf('s', '');
export const BooleanValue = classOf('b', true);
export const FunctionValue = classOf('f', () => null);

/** Filters that return their operand or its container's items untouched (never read a content's text). */
export const PASS_FILTERS = new Set(['safe', 'string']);
export const CONTAINER_FILTERS = new Set(['length', 'first', 'last', 'list', 'reverse', 'safe', 'items']);
/** Tests that look at a value's type only. */
export const TYPE_TESTS = new Set([
  'boolean',
  'callable',
  'false',
  'true',
  'none',
  'string',
  'number',
  'integer',
  'iterable',
  'mapping',
  'sequence',
  'defined',
  'undefined',
]);

export class Probe {
  readonly guards: Guard[] = [];
  readonly derivations: Derivation[] = [];
  constructor(readonly contents: readonly string[]) {}

  real(k: number): string {
    if (k < this.contents.length) return this.contents[k] as string;
    const { from, op } = this.derivations[k - this.contents.length] as Derivation;
    const base = this.real(from);
    return op === 'trim' ? base.trim() : op === 'trimStart' ? base.trimStart() : base.trimEnd();
  }

  guard(value: number, test: Guard['test'], arg: string, answer: boolean): boolean {
    this.guards.push({ value, test, arg, answer });
    return answer;
  }

  /** A stand-in for `op(value)`; one whose real text is empty stops the probe (truthiness would differ). */
  derive(from: Atom, op: Derivation['op'], libraryResult: string): Atom {
    const k = this.contents.length + this.derivations.length;
    this.derivations.push({ from: from.index, op });
    const real = this.real(k);
    // The interpreter's own answer for the real text must be what a skeleton will compute.
    if (real !== libraryResult) throw new ProbeStop('derivation differs');
    if (!this.guard(k, 'nonEmpty', '', real !== '')) throw new ProbeStop('empty derived content');
    return new Atom(this, k);
  }
}

/** A content's stand-in: a string value whose text is its delimiters and index. */
export class Atom extends StringValue {
  constructor(
    readonly probe: Probe,
    readonly index: number,
  ) {
    super(`${SENTINEL_OPEN}${index}${SENTINEL_CLOSE}`);
  }

  override __bool__(): Value {
    // Contents and derived values are non-empty (guarded when made), as their stand-ins are.
    return new BooleanValue(true);
  }

  override get builtins(): { get(name: string): unknown } {
    return { get: (name: string) => this.method(name) };
  }

  private method(name: string): unknown {
    const real = new StringValue(this.probe.real(this.index));
    const library = real.builtins.get(name) as { value: (args: Value[], env: unknown) => Value } | undefined;
    if (!library) throw new ProbeStop(`content.${name}`);
    if (name === 'startswith' || name === 'endswith') {
      return new FunctionValue((args: Value[], env: unknown) => {
        const arg = args[0];
        if (args.length !== 1 || !arg || arg.type !== 'StringValue' || tainted(arg)) throw new ProbeStop(`content.${name} arguments`);
        const answer = library.value(args, env).value === true;
        return new BooleanValue(this.probe.guard(this.index, name === 'startswith' ? 'startsWith' : 'endsWith', arg.value as string, answer));
      });
    }
    const op = name === 'strip' ? 'trim' : name === 'lstrip' ? 'trimStart' : name === 'rstrip' ? 'trimEnd' : null;
    if (op === null) throw new ProbeStop(`content.${name}`);
    return new FunctionValue((args: Value[], env: unknown) => {
      if (args.some(tainted)) throw new ProbeStop(`content.${name} arguments`);
      return this.probe.derive(this, op, library.value(args, env).value as string);
    });
  }
}

export const isAtom = (v: unknown): v is Atom => v instanceof Atom;

/** A string holding a stand-in (a content, or text built from one). */
export function taintedString(v: Value): boolean {
  return v.type === 'StringValue' && (v.value as string).includes(SENTINEL_OPEN);
}

/** A value holding a stand-in anywhere inside it. */
export function tainted(v: Value, depth = 0): boolean {
  if (v.type === 'StringValue') return taintedString(v);
  if (depth > 32) return true;
  const inner = v.value;
  if (Array.isArray(inner)) return inner.some((x: Value) => tainted(x, depth + 1));
  if (inner instanceof Map) for (const x of inner.values()) if (tainted(x as Value, depth + 1)) return true;
  return false;
}
