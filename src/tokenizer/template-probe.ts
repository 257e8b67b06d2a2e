/**
 * @module The instrumented render behind template-skeleton.ts: a chat template runs on @huggingface/jinja's own
 * interpreter with each message content replaced by a stand-in value (its text a private-use delimiter pair around an
 * index), so the output shows where contents go. Every place the interpreter could read a string's text is
 * intercepted: a stand-in may be copied, concatenated, emitted, stored, type-tested, trimmed (a derived stand-in) or
 * tested by startswith/endswith/`in`/`==` (answered from the real content and recorded as a guard); truthiness is
 * answered "non-empty", a guard too. Anything else (length, indexing, slicing, other filters or methods, tojson,
 * comparisons with non-strings, native calls given content, `range`/`strftime_now`/`raise_exception`) stops the probe:
 * the caller renders with jinja, which also gives any template error exactly.
 */
import { Environment, Interpreter, type Template } from '@huggingface/jinja';
import {
  Atom,
  BooleanValue,
  CONTAINER_FILTERS,
  type Derivation,
  type Guard,
  isAtom,
  PASS_FILTERS,
  Probe,
  ProbeStop,
  StringValue,
  tainted,
  taintedString,
  TYPE_TESTS,
  type Value,
} from './template-stand-ins.ts';

export { SENTINEL_CLOSE, SENTINEL_OPEN, type Derivation, type Guard } from './template-stand-ins.ts';

export interface ProbeContext {
  /** renderChat's context, every message content replaced by its stand-in's text. */
  readonly context: Record<string, unknown>;
  /** The real contents, by stand-in index. */
  readonly contents: readonly string[];
}

export interface ProbeResult {
  /** The rendered text with stand-ins; null when the probe stopped (the guards so far still say for which contents). */
  readonly output: string | null;
  readonly guards: Guard[];
  readonly derivations: Derivation[];
}

type Node = { readonly type: string; readonly [key: string]: unknown };
/** A node whose value is already known (so the library code runs on what this interpreter evaluated). */
const known = (value: Value): Node => ({ type: 'ProbeKnown', value });

const BaseInterpreter = Interpreter as unknown as new (
  env: Environment,
) => {
  run(program: unknown): Value;
  evaluate(node: unknown, env: unknown): Value;
  evaluateBinaryExpression(node: unknown, env: unknown): Value;
  evaluateMemberExpression(node: unknown, env: unknown): Value;
  evaluateSliceExpression(object: Value, node: unknown, env: unknown): Value;
  evaluateCallExpression(node: unknown, env: unknown): Value;
  evaluateTestExpression(node: unknown, env: unknown): Value;
  evaluateMacro(node: unknown, env: unknown): Value;
  applyFilter(operand: Value, filter: unknown, env: unknown): Value;
};

class ProbeInterpreter extends BaseInterpreter {
  private readonly macros = new Set<unknown>();

  override evaluate(node: unknown, env: unknown): Value {
    const n = node as Node | undefined;
    if (n?.type === 'ProbeKnown') return n['value'] as Value;
    return super.evaluate(node, env);
  }

  override evaluateBinaryExpression(node: unknown, env: unknown): Value {
    const n = node as Node & { operator: { value: string }; left: unknown; right: unknown };
    const op = n.operator.value;
    if (op === 'and' || op === 'or') return super.evaluateBinaryExpression(node, env);
    const left = this.evaluate(n.left, env);
    const right = this.evaluate(n.right, env);
    if (op === '==' || op === '!=') {
      const answer = this.equals(left, right) ?? this.equals(right, left);
      if (answer !== null) return new BooleanValue(op === '==' ? answer : !answer);
    } else if (op === 'in' || op === 'not in') {
      if (tainted(left)) throw new ProbeStop(`content ${op}`);
      if (isAtom(right) && left.type === 'StringValue') {
        const answer = this.evaluateIncludes(right, left.value as string);
        return new BooleanValue(op === 'in' ? answer : !answer);
      }
      if (taintedString(right) || (right.type === 'ArrayValue' && tainted(right))) throw new ProbeStop(`${op} content`);
    }
    // A container holding content, as an operand of `~`, `+`, `==`...: the library may coerce it to text (JSON of the
    // messages), which would copy the content escaped where the skeleton pastes it raw.
    if (taintedContainer(left) || taintedContainer(right)) throw new ProbeStop(`content container ${op}`);
    return super.evaluateBinaryExpression({ ...n, left: known(left), right: known(right) }, env);
  }

  /** `a == b` when `a` is a stand-in: a guard for a plain string, false for none/undefined; null when neither is one. */
  private equals(a: Value, b: Value): boolean | null {
    // Not a stand-in: the other side may be one; else the library compares (containers by identity: no content read).
    if (!taintedString(a)) return null;
    if (isAtom(a) && b.type === 'StringValue' && !taintedString(b)) {
      return a.probe.guard(a.index, 'equals', b.value as string, a.probe.real(a.index) === b.value);
    }
    if (b.type === 'NullValue' || b.type === 'UndefinedValue') return false;
    throw new ProbeStop('content compared');
  }

  private evaluateIncludes(atom: Atom, needle: string): boolean {
    return atom.probe.guard(atom.index, 'includes', needle, atom.probe.real(atom.index).includes(needle));
  }

  override evaluateMemberExpression(node: unknown, env: unknown): Value {
    const n = node as Node & { object: unknown; property: Node; computed: boolean };
    const object = this.evaluate(n.object, env);
    if (n.computed && n.property.type === 'SliceExpression') {
      if (taintedString(object)) throw new ProbeStop('content sliced');
      return super.evaluateSliceExpression(object, n.property, env);
    }
    const property = n.computed ? this.evaluate(n.property, env) : null;
    if (property && tainted(property)) throw new ProbeStop('content as a key');
    // An atom's methods are the guarded ones (Atom.builtins); text built from content has none that is safe.
    if (taintedString(object) && !(isAtom(object) && (property === null || property.type === 'StringValue'))) throw new ProbeStop('content member');
    return super.evaluateMemberExpression({ ...n, object: known(object), property: property ? known(property) : n.property }, env);
  }

  override evaluateSliceExpression(object: Value, node: unknown, env: unknown): Value {
    if (taintedString(object)) throw new ProbeStop('content sliced');
    return super.evaluateSliceExpression(object, node, env);
  }

  override evaluateCallExpression(node: unknown, env: unknown): Value {
    const n = node as Node & { args: Node[]; callee: unknown };
    let contentArgs = false;
    const args = n.args.map((a): Node => {
      const field =
        a.type === 'KeywordArgumentExpression' ? 'value' : a.type === 'SpreadExpression' || a.type === 'KeywordSpreadExpression' ? 'argument' : null;
      const v = this.evaluate(field ? a[field] : a, env);
      contentArgs ||= tainted(v);
      return field ? { ...a, [field]: known(v) } : known(v);
    });
    const fn = this.evaluate(n.callee, env);
    // Macros run on this interpreter (their bodies are probed too) and namespace() only stores values.
    const storing = this.macros.has(fn) || ((n.callee as Node).type === 'Identifier' && (n.callee as Node)['value'] === 'namespace');
    if (contentArgs && !storing) throw new ProbeStop('content passed to a native function');
    return super.evaluateCallExpression({ ...n, args, callee: known(fn) }, env);
  }

  override evaluateTestExpression(node: unknown, env: unknown): Value {
    const n = node as Node & { operand: unknown; test: { value: string } };
    const operand = this.evaluate(n.operand, env);
    if (!TYPE_TESTS.has(n.test.value) && tainted(operand)) throw new ProbeStop(`content tested ${n.test.value}`);
    return super.evaluateTestExpression({ ...n, operand: known(operand) }, env);
  }

  override applyFilter(operand: Value, filter: unknown, env: unknown): Value {
    const f = filter as Node & { value?: string; callee?: { value?: string }; args?: Node[] };
    const call = f.type === 'CallExpression';
    const name = call ? f.callee?.value : f.value;
    if (call) {
      for (const a of f.args ?? []) {
        const v = this.evaluate(a.type === 'KeywordArgumentExpression' ? a['value'] : a, env);
        if (tainted(v)) throw new ProbeStop('content as a filter argument');
      }
    }
    if (taintedString(operand)) {
      if (!call && name === 'trim' && isAtom(operand)) {
        return operand.probe.derive(
          operand,
          'trim',
          (super.applyFilter(new StringValue(operand.probe.real(operand.index)), filter, env).value as string) ?? '',
        );
      }
      if (call || !PASS_FILTERS.has(name ?? '')) throw new ProbeStop(`content | ${name}`);
    } else if (tainted(operand) && (call || !CONTAINER_FILTERS.has(name ?? ''))) {
      throw new ProbeStop(`content | ${name}`);
    }
    return super.applyFilter(operand, filter, env);
  }

  override evaluateMacro(node: unknown, env: unknown): Value {
    const result = super.evaluateMacro(node, env);
    this.macros.add((env as Environment).lookupVariable((node as { name: { value: string } }).name.value));
    return result;
  }

  /** The library's block, except that a container holding content is never printed (its text form is not a copy). */
  evaluateBlock(statements: unknown[], env: unknown): Value {
    let result = '';
    for (const statement of statements) {
      const v = this.evaluate(statement, env);
      if (v.type === 'NullValue' || v.type === 'UndefinedValue') continue;
      if (v.type !== 'StringValue' && tainted(v)) throw new ProbeStop('content container printed');
      result += v.toString();
    }
    return new StringValue(result);
  }
}

/** Renders `template` with stand-ins as Template.render would (same globals, same context order). */
export function probeTemplate(template: Template, ctx: ProbeContext): ProbeResult {
  const probe = new Probe(ctx.contents);
  try {
    const env = new Environment();
    // Template.render's globals; the three functions stop the probe (jinja gives their real effect).
    const stop = (name: string) => () => {
      throw new ProbeStop(name);
    };
    for (const [name, value] of [
      ['false', false],
      ['true', true],
      ['none', null],
      ['raise_exception', stop('raise_exception')],
      ['range', stop('range')],
      ['strftime_now', stop('strftime_now')],
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const)
      env.set(name, value);
    for (const [key, value] of Object.entries(ctx.context)) {
      const converted = env.set(key, value) as unknown as Value;
      if (key === 'messages') plantAtoms(probe, converted);
    }
    const output = new ProbeInterpreter(env).run((template as unknown as { parsed: unknown }).parsed);
    return { output: output.value as string, guards: probe.guards, derivations: probe.derivations };
  } catch {
    // A stop, or a template error: either way jinja renders it (and raises the same error for the client).
    return { output: null, guards: probe.guards, derivations: probe.derivations };
  }
}

/** Replaces each message's stand-in text by its Atom (converted objects keep their key order). */
function plantAtoms(probe: Probe, messages: Value): void {
  const list = messages.value as Value[];
  for (let i = 0; i < list.length; i++) (list[i]!.value as Map<string, Value>).set('content', new Atom(probe, i));
}

function taintedContainer(v: Value): boolean {
  return (v.type === 'ArrayValue' || v.type === 'ObjectValue') && tainted(v);
}
