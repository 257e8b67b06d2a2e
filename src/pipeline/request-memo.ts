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
 *
 * And only for a body seen before: a load test of unique prompts (`vllm bench serve`, guidellm) never repeats one,
 * and keeping each of them (the body, its parsed request, ~1k prompt ids, its plan: ~30 KB for a 1k-token prompt)
 * until 512 newer ones pushed it out made every preparation survive the young generation (copied, then promoted,
 * then marked); the engine's heap grew ~47 KB per request. A first sighting leaves only a 32-bit fingerprint of
 * the text; the second preparation of that body is kept, the third is answered from the memo. A fingerprint shared
 * by two different bodies only keeps a preparation that is not reused (the memo itself is keyed by the whole text).
 */
import type { ServerContext } from '../serving/context.ts';
import { PromptCache } from '../tokenizer/prompt-cache.ts';
import { checkJsonMediaType } from '../http/json-body.ts';
import { decodeBody, readBodyPayload, type BodyPayload } from '../http/request-body.ts';
import { ClientGoneError } from '../http/client-gone.ts';
import { clientGone } from './prepare.ts';
import { header } from '../http/headers.ts';
import type { PlannedPrompt } from './plan-prompt.ts';
import type { AppContext } from '../http/request-env.ts';

/** Bodies longer than this (UTF-8 bytes, or characters of a decoded one) are not kept: large prompts are rarely repeated byte for byte, and they pin memory. */
const MAX_BODY_LENGTH = 16 * 1024;

/**
 * Nor are preparations with logprobs or more than this many planned tokens (all choices): each kept entry pins its
 * plan, so the memo stays within tens of megabytes however large the requests (≤ 511 entries of ≤ ~100 KB each).
 */
export const MAX_MEMO_TOKENS = 4096;

interface Memo<T> {
  readonly version: number;
  readonly cache: PromptCache<T>;
  /** Fingerprints of the bodies seen (two generations, as PromptCache: the recent ones are remembered). */
  young: Set<number>;
  old: Set<number>;
}

/** What `recall` answers for a body seen before that has no kept preparation yet: keep the one made now. */
export const KEEP = Symbol('llmsim.memo.keep');

export interface Recalled<T> {
  readonly text: string;
  readonly kept: T | typeof KEEP;
}

export class RequestMemo<T extends object> {
  /** One memo per server context (fleet replicas each have their own configuration). */
  private readonly byContext = new WeakMap<ServerContext, Memo<T>>();

  /** `capacity`: kept preparations per generation; `sightings`: fingerprints per generation. */
  constructor(
    private readonly capacity = 256,
    private readonly sightings = 4096,
  ) {}

  /**
   * The kept preparation of `body` (and its text, the memo's key); else KEEP when the body was seen before (its
   * preparation is worth keeping), or null on a first sighting (remembered by fingerprint only) and for bodies too
   * long to keep. Bytes are decoded only for a body seen before.
   */
  recall(ctx: ServerContext, body: BodyPayload): Recalled<T> | null {
    const length = typeof body === 'string' ? body.length : body.byteLength;
    if (length > MAX_BODY_LENGTH) return null;
    const memo = this.current(ctx);
    const print = bodyFingerprint(body);
    if (!memo.young.has(print) && !memo.old.has(print)) {
      memo.young.add(print);
      if (memo.young.size >= this.sightings) {
        memo.old = memo.young;
        memo.young = new Set();
      }
      return null;
    }
    const text = typeof body === 'string' ? body : decodeBody(body);
    return { text, kept: memo.cache.peek(text) ?? KEEP };
  }

  set(ctx: ServerContext, text: string, value: T): void {
    if (text.length <= MAX_BODY_LENGTH) this.current(ctx).cache.set(text, value);
  }

  /** The memo for the configuration in force: a reload or LoRA change drops everything prepared before it. */
  private current(ctx: ServerContext): Memo<T> {
    let memo = this.byContext.get(ctx);
    if (!memo || memo.version !== ctx.configVersion)
      this.byContext.set(ctx, (memo = { version: ctx.configVersion, cache: new PromptCache<T>(this.capacity), young: new Set(), old: new Set() }));
    return memo;
  }
}

/**
 * A 32-bit FNV-1a-style hash of the body's bytes, four at a time (or of a decoded body's UTF-16 code units), and its
 * length: ~3 µs for a 1k-token body, where keeping a body seen once cost its whole preparation's survival in the heap.
 */
export function bodyFingerprint(body: BodyPayload): number {
  const n = typeof body === 'string' ? body.length : body.byteLength;
  let h = 0x811c9dc5 ^ n;
  if (typeof body === 'string') {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ body.charCodeAt(i), 0x01000193);
    return h | 0;
  }
  // Copied to an aligned scratch buffer (a memcpy) to be read as 32-bit words; callers pass at most its size.
  const words = n >>> 2;
  SCRATCH_BYTES.set(n <= SCRATCH_BYTES.length ? body : body.subarray(0, SCRATCH_BYTES.length));
  for (let i = 0; i < Math.min(words, SCRATCH_WORDS.length); i++) h = Math.imul(h ^ (SCRATCH_WORDS[i] as number), 0x01000193);
  for (let i = Math.min(words, SCRATCH_WORDS.length) * 4; i < n; i++) h = Math.imul(h ^ (body[i] as number), 0x01000193);
  return h | 0;
}

const SCRATCH_WORDS = new Int32Array(MAX_BODY_LENGTH / 4);
const SCRATCH_BYTES = new Uint8Array(SCRATCH_WORDS.buffer);

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
export async function prepareWithMemo<T extends Memoizable & object>(
  c: AppContext,
  ctx: ServerContext,
  memo: RequestMemo<T>,
  prepare: (body: BodyPayload, headerId: string | undefined) => Promise<T>,
  again: (prepared: T, headerId: string | undefined) => T,
): Promise<T> {
  checkJsonMediaType(c);
  const body = await readBodyOrAbort(c, ctx);
  const headerId = header(c, 'x-request-id');
  const seen = memo.recall(ctx, body);
  if (seen !== null && seen.kept !== KEEP) return again(seen.kept, headerId);
  const prepared = await prepare(body, headerId);
  if (seen !== null && !prepared.request.stream && prepared.params.logprobs === null && plannedTokens(prepared) <= MAX_MEMO_TOKENS)
    memo.set(ctx, seen.text, prepared);
  return prepared;
}

/** The body (text, or a large body's bytes); a client that leaves mid-upload counts as aborted (499, to no one). */
export async function readBodyOrAbort(c: AppContext, ctx: ServerContext): Promise<BodyPayload> {
  try {
    return await readBodyPayload(c);
  } catch (err) {
    if (err instanceof ClientGoneError) throw clientGone(c, ctx, null);
    throw err;
  }
}
