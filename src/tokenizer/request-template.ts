/**
 * @module Request-supplied chat templates (`chat_template`, only with --trust-request-chat-template), compiled once into a
 * bounded LRU cache and rendered by an interpreter with a work budget: a hostile template cannot allocate a huge array
 * (`range(1e9)` aborted the process with V8's fatal "invalid size" error), build a huge string, or loop for long.
 */
import { Environment, Interpreter, Template } from '@huggingface/jinja';
import { hostMs } from '../clock/clock.ts';

/** Limits on one render of a request template (defaults in DEFAULT_TEMPLATE_BUDGET, flags in docs/errors.md). */
export interface TemplateBudget {
  /** Interpreter steps (one per evaluated node or loop iteration, one per list item built, one per KiB of string built). */
  readonly maxSteps: number;
  /** Longest string any step may produce, the rendered prompt included (characters). */
  readonly maxChars: number;
  /** Longest list any step may produce (`range()` included, checked before it allocates). */
  readonly maxItems: number;
  /** Host-time backstop for steps that are individually slow (comparisons of long strings): milliseconds. */
  readonly maxMs: number;
}

export const DEFAULT_TEMPLATE_BUDGET: TemplateBudget = { maxSteps: 50_000, maxChars: 4_000_000, maxItems: 100_000, maxMs: 500 };

/** A request template broke its budget: rendered as a 400 with this message. */
export class TemplateBudgetError extends Error {}

/** Compiled request templates, least recently used first; bounded by count and by source bytes. */
const MAX_CACHED = 64;
const MAX_CACHED_CHARS = 4 * 1024 * 1024;
const cache = new Map<string, Template>();
let cachedChars = 0;

/** The compiled template for `source`, from the cache when seen recently. */
export function compileRequestTemplate(source: string): Template {
  const hit = cache.get(source);
  if (hit) {
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  const compiled = new Template(source);
  // A template larger than the whole cache is used once and not kept.
  if (source.length > MAX_CACHED_CHARS) return compiled;
  cache.set(source, compiled);
  cachedChars += source.length;
  for (const key of cache.keys()) {
    if (cache.size <= MAX_CACHED && cachedChars <= MAX_CACHED_CHARS) break;
    cache.delete(key);
    cachedChars -= key.length;
  }
  return compiled;
}

/** What the cache holds (tests and docs). */
export function requestTemplateCacheStats(): { entries: number; chars: number } {
  return { entries: cache.size, chars: cachedChars };
}

/** Renders a request template under `budget`; throws TemplateBudgetError when a limit is crossed. */
export function renderRequestTemplate(template: Template, context: Record<string, unknown>, budget: TemplateBudget): string {
  // Template.render's globals, except `range` (checks its size before allocating) and `strftime_now` (left undefined:
  // templates test `strftime_now is defined`; a request template gets no host date, so the same request renders the same).
  const env = new Environment();
  for (const [name, value] of [
    ['false', false],
    ['true', true],
    ['none', null],
    ['False', false],
    ['True', true],
    ['None', null],
  ] as const)
    env.set(name, value);
  env.set('raise_exception', (message: unknown) => {
    throw new Error(String(message));
  });
  env.set('range', (start: number, stop?: number, step = 1) => boundedRange(budget, start, stop, step));
  for (const [key, value] of Object.entries(context)) env.set(key, value);
  const result = new BoundedInterpreter(budget, env).run((template as unknown as { parsed: unknown }).parsed) as unknown as RuntimeValue;
  return String(result.value);
}

interface RuntimeValue {
  readonly type: string;
  readonly value: unknown;
}

/** The interpreter's shape as used here (the package's runtime typings do not resolve under NodeNext). */
const BaseInterpreter = Interpreter as unknown as new (
  env: Environment,
) => {
  run(program: unknown): unknown;
  evaluate(statement: unknown, environment: unknown): unknown;
  evaluateBlock(statements: unknown, environment: unknown): unknown;
};

class BoundedInterpreter extends BaseInterpreter {
  private steps = 0;
  private readonly deadline: number;

  constructor(
    private readonly budget: TemplateBudget,
    env: Environment,
  ) {
    super(env);
    this.deadline = hostMs() + budget.maxMs;
  }

  /** Each loop iteration runs its body as a block: counted here, so an empty loop body still costs a step. */
  override evaluateBlock(statements: unknown, environment: unknown): unknown {
    this.step();
    return super.evaluateBlock(statements, environment);
  }

  override evaluate(statement: unknown, environment: unknown): unknown {
    this.step();
    const result = super.evaluate(statement, environment) as unknown as RuntimeValue;
    // Work proportional to a value's size is charged as steps: a for loop walks its list twice (building an
    // environment per item before running any body), and string filters copy their input.
    if (result.type === 'StringValue') {
      const length = (result.value as string).length;
      if (length > this.budget.maxChars) throw new TemplateBudgetError(`chat template output exceeded llmsim's limit of ${this.budget.maxChars} characters`);
      this.steps += length >> 10;
    } else if (result.type === 'ArrayValue') {
      const length = (result.value as unknown[]).length;
      if (length > this.budget.maxItems)
        throw new TemplateBudgetError(`chat template built a list longer than llmsim's limit of ${this.budget.maxItems} items`);
      this.steps += length;
    }
    return result;
  }

  private step(): void {
    if (++this.steps > this.budget.maxSteps) throw new TemplateBudgetError(`chat template exceeded llmsim's budget of ${this.budget.maxSteps} steps`);
    if ((this.steps & 255) === 0 && hostMs() > this.deadline)
      throw new TemplateBudgetError(`chat template exceeded llmsim's budget of ${this.budget.maxMs} ms`);
  }
}

function boundedRange(budget: TemplateBudget, start: number, stop: number | undefined, step: number): number[] {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0) throw new Error('range() step must not be zero');
  if (![start, stop, step].every(Number.isFinite)) throw new Error('range() arguments must be finite integers');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > budget.maxItems) throw new TemplateBudgetError(`chat template called range() with ${count} items, above llmsim's limit of ${budget.maxItems}`);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(start + i * step);
  return out;
}
