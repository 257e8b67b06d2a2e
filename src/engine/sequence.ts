/** @module Per-request and per-sequence state of the step engine (one sequence per choice). */
import type { EngineRequest, EngineSink, RequestSummary } from './types.ts';
import type { KvCache } from './kv-cache.ts';
import { NO_BLOCK_HASHES, type BlockHashes } from './block-hash.ts';
import type { RequestReport } from './observer.ts';

export interface Req {
  readonly request: EngineRequest;
  readonly sink: EngineSink;
  readonly seqs: Seq[];
  readonly arrival: number;
  readonly order: number;
  /** Prefix-cache hashes of the prompt's full blocks. */
  readonly hashes: BlockHashes;
  queued: number;
  firstScheduled: number | null;
  firstToken: number | null;
  cachedTokens: number;
  preemptions: number;
  left: number;
  aborted: boolean;
  promptCounted: boolean;
  readonly prefillChunks: { time: number; tokens: number }[];
  /** `--trace-tokens`: when each token of the first choice was produced (step ends); null when not recorded. */
  readonly tokenTimes: number[] | null;
}

export interface Seq {
  readonly req: Req;
  readonly index: number;
  readonly promptLen: number;
  readonly target: number;
  generated: number;
  /** Tokens whose KV is in the cache (prompt first, then generated). */
  computed: number;
  blocks: number[];
  /** Prompt blocks already registered in the prefix cache. */
  registered: number;
  state: 'pending' | 'waiting' | 'running' | 'done';
  /** Tokens scheduled for this sequence in the step in flight. */
  stepTokens: number;
  /** What the step that just ended produced for it: 0 nothing (a prefill chunk), 1 a token, 2 its last token. */
  stepOut: 0 | 1 | 2;
  lastToken: number | null;
}

export function createSequences(request: EngineRequest, sink: EngineSink, arrival: number, order: number, kv: KvCache, recordTokens = false): Req {
  const req: Req = {
    request,
    sink,
    seqs: [],
    arrival,
    order,
    hashes: promptHashes(request, kv),
    queued: arrival,
    firstScheduled: null,
    firstToken: null,
    cachedTokens: 0,
    preemptions: 0,
    left: request.sequences.length,
    aborted: false,
    promptCounted: false,
    prefillChunks: [],
    tokenTimes: recordTokens ? [] : null,
  };
  request.sequences.forEach((plan, index) => {
    req.seqs.push({
      req,
      index,
      promptLen: request.promptTokenIds.length,
      target: Math.max(1, plan.outputTokens),
      generated: 0,
      computed: 0,
      blocks: [],
      registered: 0,
      state: 'pending',
      stepTokens: 0,
      stepOut: 0,
      lastToken: null,
    });
  });
  return req;
}

/**
 * What the sink is told when a request ends. A request turned away (`turnedAway`: it can never fit) counts no cached
 * tokens and was "scheduled" and "answered" the moment it was refused.
 */
export function finishedSummary(req: Req, now: number, turnedAway = false): RequestSummary {
  return {
    cachedTokens: turnedAway ? 0 : req.cachedTokens,
    arrivalTime: req.arrival,
    firstScheduledTime: turnedAway ? now : (req.firstScheduled ?? now),
    firstTokenTime: turnedAway ? now : (req.firstToken ?? now),
    finishedTime: now,
    preemptions: req.preemptions,
  };
}

/** vLLM counts a request with several sequences under the first sequence's reason ("stop" for tool calls too). */
export function finishedReport(req: Req, now: number, forced: string | null): RequestReport {
  const reason = forced ?? req.request.sequences[0]?.finishReason ?? 'length';
  return {
    requestId: req.request.requestId,
    arrival: req.arrival,
    queued: req.queued,
    firstScheduled: req.firstScheduled,
    firstToken: req.firstToken,
    finished: now,
    promptTokens: req.request.promptTokenIds.length,
    cachedTokens: req.cachedTokens,
    generatedTokens: req.seqs.map((s) => s.generated),
    maxTokens: req.request.maxTokens,
    finishReason: reason === 'tool_calls' ? 'stop' : reason,
    preemptions: req.preemptions,
    prefillChunks: req.prefillChunks,
    lora: req.request.lora ?? null,
    ...(req.tokenTimes ? { tokenTimes: req.tokenTimes } : {}),
  };
}

/** The prompt's block hashes: the prepared ones when they were made for this cache's block size and the same salt. */
function promptHashes(request: EngineRequest, kv: KvCache): BlockHashes {
  const salt = request.cacheSalt ?? '';
  const pre = request.prefixHashes;
  if (!kv.prefixCaching) return NO_BLOCK_HASHES;
  if (pre && pre.blockSize === kv.blockSize && pre.salt === salt) return pre.hashes;
  return kv.blockHashes(request.promptTokenIds, salt);
}
