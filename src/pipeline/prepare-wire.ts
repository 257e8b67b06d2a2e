/**
 * @module What crosses between a preparation worker and the engine's thread: plain, structured-cloneable data. A
 * prepared request names its model (the engine's thread has the live one, with its engine); a lazily planned prose
 * answer travels as the start of its walk and is rebuilt with the same tokens; an error travels as
 * `{status, type, message, param}` and becomes the same ApiError, so the client gets the same envelope whichever
 * thread prepared the request.
 */
import type { PrepModel, ServerContext, ServedModel } from '../serving/context.ts';
import { ApiError } from '../protocol/errors.ts';
import type { ChoicePlan } from '../generate/plan.ts';
import { ProsePlan, type ProseWire } from '../generate/prose-plan.ts';
import type { PlannedPrompt } from './plan-prompt.ts';

/** The shape every dialect's preparation returns: its model, and its planned prompt(s). */
export interface PreparedShape {
  readonly model: PrepModel;
  readonly planned?: PlannedPrompt;
  readonly prompts?: readonly PlannedPrompt[];
}

/** A prepared request on the engine's thread: the same fields, with the live served model (each member of a union). */
export type Served<T extends PreparedShape> = T extends PreparedShape ? Omit<T, 'model'> & { readonly model: ServedModel } : never;

export interface WireError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
  readonly param: string | null;
}

export type WireResult = { readonly ok: unknown } | { readonly error: WireError } | { readonly need: string };

/** Thrown by a preparation that needs what only the engine's thread has (pipeline/prepare.ts `PrepareFn`). */
export class NeedsContext extends Error {
  constructor(readonly key: string) {
    super(`preparation needs '${key}'`);
  }
}

type WirePlan = { readonly prose: ProseWire } | { readonly plan: ChoicePlan };

export function encodeResult(run: () => PreparedShape): WireResult {
  try {
    return { ok: encodePrepared(run()) };
  } catch (err) {
    if (err instanceof ApiError) return { error: { status: err.status, type: err.type, message: err.message, param: err.param } };
    if (err instanceof NeedsContext) return { need: err.key };
    throw err;
  }
}

export function decodeResult<T extends PreparedShape>(ctx: ServerContext, result: WireResult): Served<T> {
  if ('error' in result) throw new ApiError(result.error.status, result.error.type, result.error.message, result.error.param);
  if ('need' in result) throw new Error(`preparation still needs '${result.need}'`);
  return decodePrepared(ctx, result.ok as Record<string, unknown>) as unknown as Served<T>;
}

function encodePrepared(p: PreparedShape): Record<string, unknown> {
  const out: Record<string, unknown> = { ...p, model: p.model.name };
  if (p.planned) out['planned'] = encodePlanned(p.planned);
  if (p.prompts) out['prompts'] = p.prompts.map(encodePlanned);
  return out;
}

function decodePrepared(ctx: ServerContext, w: Record<string, unknown>): Record<string, unknown> {
  const name = w['model'] as string;
  const model = ctx.models.find((m) => m.name === name);
  // A reload removed the model while its request was prepared: as if it had arrived after the reload.
  if (!model) throw new ApiError(404, 'NotFoundError', `The model \`${name}\` does not exist.`, 'model');
  const out: Record<string, unknown> = { ...w, model };
  if (w['planned']) out['planned'] = decodePlanned(model, w['planned'] as Record<string, unknown>);
  if (w['prompts']) out['prompts'] = (w['prompts'] as Record<string, unknown>[]).map((p) => decodePlanned(model, p));
  return out;
}

function encodePlanned(p: PlannedPrompt): Record<string, unknown> {
  const plans = p.plans.map((plan): WirePlan => (plan instanceof ProsePlan ? { prose: plan.toWire() } : { plan: plainPlan(plan) }));
  return { ...p, promptIds: wireIds(p.promptIds), plans };
}

function decodePlanned(model: PrepModel, w: Record<string, unknown>): PlannedPrompt {
  const plans = (w['plans'] as WirePlan[]).map((p) => ('prose' in p ? ProsePlan.fromWire(model.tokenizer, p.prose) : p.plan));
  const ids = w['promptIds'] as readonly number[] | Uint32Array;
  return { ...(w as unknown as PlannedPrompt), promptIds: ids instanceof Uint32Array ? plainIds(ids) : ids, plans };
}

/**
 * Prompt ids cross as a Uint32Array (its buffer moved, not copied: `transferables`) when every id fits one: cloning a
 * JS array of numbers is a tagged value per element on both threads (~16 µs to post 1,000 ids), a typed array one
 * copy or none. The engine's thread turns it back into the plain array every consumer expects.
 */
function wireIds(ids: readonly number[]): readonly number[] | Uint32Array {
  const out = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id <= 0xffffffff && Math.floor(id) === id)) return ids;
    out[i] = id;
  }
  return out;
}

/**
 * The ids as a plain array (Array.from goes through the iterator protocol: ~20x slower here), allocated at its length:
 * pushing 1,000 ids regrew the array a dozen times (~11 µs, against ~3). V8 gives `new Array(n)` fast elements only up
 * to some length; longer prompts are pushed.
 */
function plainIds(ids: Uint32Array): number[] {
  const n = ids.length;
  if (n > PREALLOCATED_IDS) {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(ids[i]!);
    return out;
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = ids[i]!;
  return out;
}

const PREALLOCATED_IDS = 16_384;

/** The buffers a worker can move to the engine's thread with `result` (its prompt ids), each once. */
export function transferables(result: WireResult): ArrayBuffer[] {
  if (!('ok' in result)) return [];
  const ok = result.ok as { planned?: { promptIds?: unknown }; prompts?: { promptIds?: unknown }[] };
  const out = new Set<ArrayBuffer>();
  for (const p of [ok.planned, ...(ok.prompts ?? [])]) if (p?.promptIds instanceof Uint32Array) out.add(p.promptIds.buffer as ArrayBuffer);
  return [...out];
}

/** Every field spelled out: a plan may have getters, which structured cloning would drop. */
function plainPlan(p: ChoicePlan): ChoicePlan {
  return {
    tokenCount: p.tokenCount,
    tokenIds: p.tokenIds,
    cumChars: p.cumChars,
    text: p.text,
    holdback: p.holdback,
    finishReason: p.finishReason,
    stopReason: p.stopReason,
    reasoning: p.reasoning,
    toolCalls: p.toolCalls,
  };
}
