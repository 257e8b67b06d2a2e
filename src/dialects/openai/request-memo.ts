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
import type { ServerContext } from '../../serving/context.ts';
import { PromptCache } from '../../tokenizer/prompt-cache.ts';
import { checkJsonMediaType, parseJsonObject, readBodyText } from '../../http/json-body.ts';
import { header } from '../../http/headers.ts';

/** Bodies longer than this are not kept: large prompts are rarely repeated byte for byte, and they pin memory. */
const MAX_BODY_CHARS = 16 * 1024;

interface Entry<T> {
  readonly version: number;
  readonly value: T;
}

export class RequestMemo<T> {
  /** One memo per server context (fleet replicas each have their own configuration). */
  private readonly byContext = new WeakMap<ServerContext, PromptCache<Entry<T>>>();

  constructor(private readonly capacity = 512) {}

  get(ctx: ServerContext, body: string): T | null {
    if (body.length > MAX_BODY_CHARS) return null;
    const entry = this.byContext.get(ctx)?.peek(body);
    return entry && entry.version === ctx.configVersion ? entry.value : null;
  }

  set(ctx: ServerContext, body: string, value: T): void {
    if (body.length > MAX_BODY_CHARS) return;
    let cache = this.byContext.get(ctx);
    if (!cache) this.byContext.set(ctx, (cache = new PromptCache<Entry<T>>(this.capacity)));
    cache.set(body, { version: ctx.configVersion, value });
  }
}

/**
 * Reads a generation request's JSON body and prepares it, or reuses the preparation of an identical earlier
 * non-streamed body; `again` makes a reused preparation this request's own (id, `created`, admission).
 */
export async function prepareWithMemo<T extends { readonly request: { readonly stream?: boolean | null } }>(
  c: Context,
  ctx: ServerContext,
  memo: RequestMemo<T>,
  prepare: (body: Record<string, unknown>, headerId: string | undefined) => T,
  again: (prepared: T, headerId: string | undefined) => T,
): Promise<T> {
  checkJsonMediaType(c);
  const text = await readBodyText(c);
  const headerId = header(c, 'x-request-id');
  const seen = memo.get(ctx, text);
  if (seen) return again(seen, headerId);
  const prepared = prepare(parseJsonObject(text), headerId);
  if (!prepared.request.stream) memo.set(ctx, text, prepared);
  return prepared;
}
