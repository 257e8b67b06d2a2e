/**
 * @module What one engine step does with each scheduled sequence, apart from the scheduling state step-engine.ts
 * owns: the step's input to the timing model (prefill chunks and decode contexts), and the sampling of a sequence's
 * next token when it has caught up with every known token (gaps, prompt and token times, finishing).
 */
import type { PrefillChunk } from '../timing/step-model.ts';
import type { KvCache } from './kv-cache.ts';
import type { EngineObserver } from './observer.ts';
import type { Req, Seq } from './sequence.ts';

/**
 * Fills `prefill` and `decodeContexts` (arrays reused from step to step) with the step's work and returns the tokens
 * it schedules: a sequence with more than its last token left to compute, or several tokens, is a prefill chunk.
 */
export function fillStepInput(scheduled: readonly Seq[], prefill: PrefillChunk[], decodeContexts: number[]): number {
  prefill.length = 0;
  decodeContexts.length = 0;
  let scheduledTokens = 0;
  for (const seq of scheduled) {
    const tokens = seq.stepTokens;
    scheduledTokens += tokens;
    const completes = seq.computed + tokens === seq.promptLen + seq.generated;
    if (seq.computed < seq.promptLen + seq.generated - 1 || tokens > 1) prefill.push({ tokens, context: seq.computed, last: completes });
    else decodeContexts.push(seq.computed);
  }
  return scheduledTokens;
}

/** Gives a sequence's KV blocks back to the cache. */
export function releaseBlocks(kv: KvCache, seq: Seq): void {
  kv.release(seq.blocks);
  seq.blocks = [];
}

/**
 * The step samples `seq`'s next token at `now` (its planned end). Returns the sequence's step outcome: 1 a new token,
 * 2 a new token that finishes it (its blocks are released, and its request is pushed to `finishedReqs` when it was
 * the request's last running choice).
 */
export function sampleNext(seq: Seq, now: number, kv: KvCache, observer: EngineObserver | undefined, finishedReqs: Req[]): 1 | 2 {
  const req = seq.req;
  seq.generated++;
  if (seq.lastToken !== null) observer?.tokenGap?.(now - seq.lastToken);
  else if (!req.promptCounted) {
    req.promptCounted = true;
    observer?.promptDone?.(seq.promptLen);
  }
  seq.lastToken = now;
  req.firstToken ??= now;
  if (req.tokenTimes && seq.index === 0) req.tokenTimes.push(now);
  const finished = seq.generated >= seq.target;
  if (finished) {
    seq.state = 'done';
    releaseBlocks(kv, seq);
    if (--req.left === 0) finishedReqs.push(req);
  }
  return finished ? 2 : 1;
}
