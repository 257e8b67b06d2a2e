/**
 * @module Non-streamed requests prepared once per body. Load generators (wrk, hey, k6 scripts, autocannon) often send
 * one body over and over, and everything a route prepares from a body (validation, template and tokens, sampling
 * parameters, the planned answer) is a pure function of the body bytes and the served configuration. The preparation
 * is kept per body text and reused until the configuration changes (`configVersion`); it was half of what a small
 * request cost. What depends on the individual request is redone every time by the caller: the response id
 * (X-Request-Id), `created`, admission (`--max-waiting`), the engine run and the metrics.
 *
 * Only successful preparations of non-streamed requests are kept: a stream walks its lazily planned answer as tokens
 * are released, so it always gets a plan of its own, and an invalid body fails again (cheaply) each time.
 */
import type { Context } from 'hono';
import type { ServerContext } from '../serving/context.ts';
import { PromptCache } from '../tokenizer/prompt-cache.ts';
import { checkJsonMediaType } from '../http/json-body.ts';
import { readBodyPayload, type BodyPayload } from '../http/request-body.ts';
import { ClientGoneError } from '../http/client-gone.ts';
import { clientGone } from './prepare.ts';
import { header } from '../http/headers.ts';
import type { PlannedPrompt } from './plan-prompt.ts';

/** Bodies longer than this are not kept: large prompts are rarely repeated byte for byte, and they pin memory. */
const MAX_BODY_CHARS = 16 * 1024;

/**
 * Nor are preparations with logprobs or more than this many planned tokens (all choices): each kept entry pins its
 * plan, so the memo stays within tens of megabytes however large the requests (≤ 511 entries of ≤ ~100 KB each).
 */
export const MAX_MEMO_TOKENS = 4096;

interface Memo<T> {
  readonly version: number;
  readonly cache: PromptCache<T>;
}

export class RequestMemo<T> {
  /** One memo per server context (fleet replicas each have their own configuration). */
  private readonly byContext = new WeakMap<ServerContext, Memo<T>>();

  constructor(private readonly capacity = 256) {}

  get(ctx: ServerContext, body: string): T | null {
    if (body.length > MAX_BODY_CHARS) return null;
    return this.current(ctx).cache.peek(body) ?? null;
  }

  set(ctx: ServerContext, body: string, value: T): void {
    if (body.length <= MAX_BODY_CHARS) this.current(ctx).cache.set(body, value);
  }

  /** The memo for the configuration in force: a reload or LoRA change drops everything prepared before it. */
  private current(ctx: ServerContext): Memo<T> {
    let memo = this.byContext.get(ctx);
    if (!memo || memo.version !== ctx.configVersion) this.byContext.set(ctx, (memo = { version: ctx.configVersion, cache: new PromptCache<T>(this.capacity) }));
    return memo;
  }
}

/** What a preparation must show for the memo to judge it: whether it streams, and its planned answers. */
interface Memoizable {
  readonly request: { readonly stream?: boolean | null };
  readonly params: { readonly logprobs: number | null };
  readonly planned?: PlannedPrompt;
  readonly prompts?: readonly PlannedPrompt[];
}

function plannedTokens(p: Memoizable): number {
  let tokens = 0;
  for (const planned of p.prompts ?? (p.planned ? [p.planned] : [])) for (const plan of planned.plans) tokens += plan.tokenCount;
  return tokens;
}

/**
 * Reads a generation request's JSON body and prepares it, or reuses the preparation of an identical earlier
 * non-streamed body; `again` makes a reused preparation this request's own (id, `created`, admission).
 */
export async function prepareWithMemo<T extends Memoizable>(
  c: Context,
  ctx: ServerContext,
  memo: RequestMemo<T>,
  prepare: (body: BodyPayload, headerId: string | undefined) => Promise<T>,
  again: (prepared: T, headerId: string | undefined) => T,
): Promise<T> {
  checkJsonMediaType(c);
  const body = await readBodyOrAbort(c, ctx);
  const headerId = header(c, 'x-request-id');
  // Large bodies arrive as bytes (never kept: longer than any memo entry).
  const text = typeof body === 'string' ? body : null;
  const seen = text === null ? null : memo.get(ctx, text);
  if (seen) return again(seen, headerId);
  const prepared = await prepare(body, headerId);
  if (text !== null && !prepared.request.stream && prepared.params.logprobs === null && plannedTokens(prepared) <= MAX_MEMO_TOKENS)
    memo.set(ctx, text, prepared);
  return prepared;
}

/** The body (text, or a large body's bytes); a client that leaves mid-upload counts as aborted (499, to no one). */
export async function readBodyOrAbort(c: Context, ctx: ServerContext): Promise<BodyPayload> {
  try {
    return await readBodyPayload(c);
  } catch (err) {
    if (err instanceof ClientGoneError) throw clientGone(c, ctx, null);
    throw err;
  }
}
