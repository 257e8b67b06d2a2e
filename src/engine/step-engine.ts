/**
 * @module The step-level engine, mirroring vLLM V1's scheduler on a simulated clock: one token budget per step, running
 * sequences served before admissions, chunked prefill, paged KV blocks with prefix caching, recompute preemption of the
 * newest running sequence, and one timer (the end of the current step). Tokens a step produces are delivered together.
 */
import type { Engine, EngineHandle, EngineRequest, EngineSink, EngineStats } from './types.ts';
import type { Clock } from '../clock/clock.ts';
import type { StepModel, PrefillChunk } from '../timing/step-model.ts';
import { fillStepInput, releaseBlocks, sampleNext } from './step-tokens.ts';
import type { KvCache } from './kv-cache.ts';
import type { EngineObserver } from './observer.ts';
import { createSequences, finishedReport, finishedSummary, type Req, type Seq } from './sequence.ts';
import { createWaitingQueue, loraAllowed, loraNames } from './waiting-queue.ts';

export interface StepEngineOptions {
  readonly clock: Clock;
  readonly model: StepModel;
  readonly kv: KvCache;
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly schedulingPolicy?: 'fcfs' | 'priority';
  /** Distinct LoRA adapters allowed in the running batch. */
  readonly maxLoras?: number;
  readonly observer?: EngineObserver;
  /** `--trace-tokens`: keep every token's time (first choice) for the trace. */
  readonly recordTokenTimes?: boolean;
}

/** Rounding slack when comparing a hold's stamp + α_in with a step's start (a hold a hair early still holds). */
const HOLD_EPSILON = 1e-9;

export function createStepEngine(o: StepEngineOptions): Engine {
  const { clock, model, kv, maxNumSeqs, maxNumBatchedTokens, observer } = o;
  const priority = o.schedulingPolicy === 'priority';
  const waiting = createWaitingQueue(priority);
  let running: Seq[] = [];
  // The step in flight: its sequences (each with `stepTokens` set). Arrays are reused from step to step: a busy
  // engine runs thousands of steps per second and per-step garbage showed up as a tenth of the CPU.
  let batch: Seq[] | null = null;
  let spare: Seq[] = [];
  const prefill: PrefillChunk[] = [];
  const decodeContexts: number[] = [];
  const finishedReqs: Req[] = [];
  let kicked = false;
  let order = 0;
  let closed = false;

  // End of the last step, and the earliest queue time of requests that came in while the engine was idle: an idle
  // engine's next step starts when its first request was queued, not when the host got round to submitting it (host
  // preparation time is not charged to simulated time), and never before the previous step ended.
  let lastEnd = 0;
  let idleQueued = Infinity;
  let deferred = false;

  const kick = (queuedAt = clock.now()): void => {
    idleQueued = Math.min(idleQueued, queuedAt);
    if (kicked || batch || closed) return;
    kicked = true;
    clock.at(clock.now(), () => {
      kicked = false;
      // A step may have been planned meanwhile (a kick from inside a step's callbacks): it will schedule on its own.
      if (!batch) schedule();
    });
  };

  const release = (seq: Seq): void => releaseBlocks(kv, seq);

  const preempt = (seq: Seq): void => {
    running = running.filter((s) => s !== seq);
    release(seq);
    seq.computed = 0;
    seq.req.preemptions++;
    observer?.preemption?.();
    waiting.add(seq, true);
  };

  /**
   * Plans the next step. A step that follows another starts at the previous one's planned end, not at "now": simulated
   * time stays exact however busy the host is, and a late timer shows up as scheduler lag instead of as drift.
   */
  function schedule(continueAt?: number, previousStart?: number): void {
    if (closed || deferred) return;
    const start = continueAt ?? Math.max(lastEnd, Math.min(idleQueued, clock.now()));
    // With async scheduling vLLM plans this step when the previous one is launched, so it admits only requests queued
    // by the previous step's start; a step planned on an idle engine admits what is queued by its own start.
    const admitBy = model.asyncScheduling && previousStart !== undefined ? previousStart : start;
    // A request still being read or prepared that this step could admit (stamped by its start less α_in: none is queued
    // sooner after its arrival) holds it: plan the step once it is in, at the same start (the host's preparation time
    // does not move simulated time). In real time a hold lapses after a grace (clock/holds.ts); its request is late.
    const heldBy = admitBy - model.ingress + HOLD_EPSILON;
    if (clock.deferWhileHeld(heldBy, () => ((deferred = false), batch ? undefined : schedule(start, previousStart)))) {
      deferred = true;
      return;
    }
    idleQueued = Infinity;
    let budget = maxNumBatchedTokens;
    const scheduled = spare;
    scheduled.length = 0;
    let preempted = false;
    for (let i = 0; i < running.length && budget > 0; i++) {
      const seq = running[i] as Seq;
      const tokens = Math.min(seq.promptLen + seq.generated - seq.computed, budget);
      // No room: preempt from the back of the batch (newest first) until there is, or this sequence was the victim.
      let room = kv.reserve(seq.blocks, seq.computed + tokens);
      while (!room) {
        const victim = running[running.length - 1] as Seq;
        preempt(victim);
        preempted = true;
        if (victim === seq) break;
        room = kv.reserve(seq.blocks, seq.computed + tokens);
      }
      if (!room) break;
      seq.stepTokens = tokens;
      scheduled.push(seq);
      budget -= tokens;
    }
    // vLLM admits nothing in a step that had to preempt. A step admits only requests that had reached the queue by
    // its (planned) start: when the host runs late, steps are planned back to back in the past, and a request that
    // arrived in the meantime joins the first step that starts after it, never one that started before it.
    while (!preempted && budget > 0 && running.length < maxNumSeqs && waiting.length > 0) {
      const at = waiting.firstArrived(admitBy);
      if (at < 0) break;
      const seq = waiting.at(at);
      if (!loraAllowed(running, seq, o.maxLoras)) break;
      const req = seq.req;
      const total = seq.promptLen + seq.generated;
      const remote = req.request.remotePrefillSeconds !== undefined && seq.generated === 0;
      const hit = remote ? 0 : kv.computedTokens(req.hashes, total);
      // Remote prefill: the transferred KV covers all but the last prompt token, which is recomputed for its logits.
      const cached = remote ? total - 1 : hit;
      const tokens = Math.min(total - cached, budget);
      const blocks = kv.admit(req.hashes, hit, cached + tokens);
      if (blocks === null) {
        if (running.length === 0 && scheduled.length === 0) rejectHead(seq);
        break;
      }
      waiting.removeAt(at);
      seq.state = 'running';
      seq.blocks = blocks;
      seq.computed = cached;
      running.push(seq);
      if (req.firstScheduled === null) {
        req.firstScheduled = start;
        req.cachedTokens = cached;
        observer?.prefixCache?.(seq.promptLen, Math.min(cached, seq.promptLen));
      }
      seq.stepTokens = tokens;
      scheduled.push(seq);
      budget -= tokens;
    }
    if (scheduled.length === 0) {
      // A chain running late may find only requests that arrived after its planned start: go on from now. So may a
      // kicked step whose start came from a request already withdrawn (a departed client's abort stand-in): without
      // this, the requests behind it waited for the next submit to kick the engine again.
      if (waiting.length > 0 && (continueAt !== undefined || start < clock.now())) schedule();
      return;
    }
    const scheduledTokens = fillStepInput(scheduled, prefill, decodeContexts);
    const duration = model.stepTime({ prefill, decodeContexts });
    batch = scheduled;
    spare = [];
    lastEnd = start + duration;
    clock.at(start + duration, () => finishStep(start, duration, scheduledTokens));
  }

  function finishStep(start: number, duration: number, scheduledTokens: number): void {
    const scheduled = batch ?? [];
    batch = null;
    observer?.stepFired?.(start + duration);
    // Token times are the plan's (the step's planned end), not when the host got round to it: the trace and metrics
    // are the simulated engine's ground truth, and a late host shows up as scheduler lag and client-side error.
    const now = start + duration;
    let prefillTokens = 0;
    let generatedTokens = 0;
    let finishedSeqs = 0;
    finishedReqs.length = 0;
    // Back to front: requests admitted this step sit at the end of the batch, and their first tokens are handed out
    // as soon as they are known (a stream's first chunk is what clients time most closely, and the host writes one
    // stream after another); every other token goes out in the pass after, all at the same simulated instant.
    for (let i = scheduled.length - 1; i >= 0; i--) {
      const seq = scheduled[i] as Seq;
      const req = seq.req;
      const tokens = seq.stepTokens;
      seq.stepOut = 0;
      if (req.aborted || seq.state !== 'running') continue;
      const wasPrefill = seq.computed < seq.promptLen;
      seq.computed += tokens;
      if (wasPrefill) {
        prefillTokens += Math.min(tokens, seq.promptLen);
        req.prefillChunks.push({ time: start, tokens });
      }
      seq.registered = kv.registerPrompt(
        seq.blocks,
        req.hashes,
        seq.registered,
        Math.min(seq.computed, seq.promptLen),
        req.request.promptTokenIds,
        req.request.lora ?? null,
      );
      if (seq.computed !== seq.promptLen + seq.generated) continue;
      // Caught up with every known token: the step samples the next one.
      seq.stepOut = sampleNext(seq, now, kv, observer, finishedReqs);
      generatedTokens++;
      if (seq.stepOut === 2) finishedSeqs++;
      // Choices of one request keep their index order, so only a single-choice request's first token goes out from
      // inside this loop; everything else in batch order below.
      if (seq.generated === 1 && req.seqs.length === 1) {
        deliver(seq);
        seq.stepOut = 0;
      }
    }
    for (const seq of scheduled) if (seq.stepOut !== 0) deliver(seq);
    // One pass drops every sequence that finished this step (filtering per finish was quadratic in the batch).
    if (finishedSeqs > 0) running = running.filter((s) => s.state === 'running');
    observer?.step?.({ start, duration, prefillTokens, generatedTokens, scheduledTokens, batchSize: scheduled.length });
    for (const req of finishedReqs) if (!req.aborted) finishRequest(req, now);
    // The finished array is reused by the next schedule() (the sequences are no longer referenced by the engine).
    spare = scheduled;
    schedule(start + duration, start);
  }

  /** Hands a sequence's new token to its sink (skipped if a sink callback aborted the request meanwhile). */
  const deliver = (seq: Seq): void => {
    if (seq.req.aborted) return;
    seq.req.sink.onTokens(seq.index, seq.generated, seq.stepOut === 2);
  };

  const finishRequest = (req: Req, now: number): void => {
    req.sink.onFinished(finishedSummary(req, now));
    observer?.requestDone?.(finishedReport(req, now, null));
  };

  /** A prompt that can never fit in the KV cache, with nothing running to free blocks: end it instead of waiting forever. */
  const rejectHead = (seq: Seq): void => {
    waiting.remove(seq);
    const req = seq.req;
    abortRequest(req);
    observer?.requestDone?.(finishedReport(req, clock.now(), 'abort'));
    for (const s of req.seqs) req.sink.onTokens(s.index, s.generated, true);
    req.sink.onFinished(finishedSummary(req, clock.now(), true));
  };

  const abortRequest = (req: Req): void => {
    req.aborted = true;
    for (const seq of req.seqs) {
      if (seq.state === 'running') {
        running = running.filter((s) => s !== seq);
        release(seq);
      } else if (seq.state === 'waiting') waiting.remove(seq);
      seq.state = 'done';
    }
  };

  return {
    submit(request: EngineRequest, sink: EngineSink): EngineHandle {
      // The front-end delay counts from the HTTP arrival: the time llmsim itself spent parsing is part of it.
      // A stated arrival (`x-llmsim-arrival`) may lie ahead of the clock: the request then enters at that time.
      const arrival = request.arrivalTime ?? clock.now();
      const req = createSequences(request, sink, arrival, order++, kv, o.recordTokenTimes === true);
      const ready = arrival + model.ingress + (request.remotePrefillSeconds ?? 0);
      // Queued at the planned end of the front-end delay (a late timer does not delay it), or now if that has passed.
      const admit = (): void => {
        if (req.aborted) return;
        // A late request (its hold lapsed: steps went on without it) is queued now, whatever its plan said.
        req.queued = request.late === true ? clock.now() : Math.min(ready, clock.now());
        for (const seq of req.seqs) waiting.add(seq, false);
        kick(req.queued);
      };
      const cancelIngress = ready > clock.now() ? clock.at(ready, admit) : (admit(), () => {});
      return {
        abort() {
          if (req.aborted || req.left === 0) return;
          cancelIngress();
          abortRequest(req);
          observer?.requestDone?.(finishedReport(req, clock.now(), 'abort'));
          kick();
        },
      };
    },
    stats(): EngineStats {
      const stats = { running: running.length, waiting: waiting.requests(), kvCacheUsage: kv.usage() };
      if (o.maxLoras === undefined) return stats;
      return { ...stats, runningLoras: loraNames(running), waitingLoras: waiting.loras() };
    },
    close() {
      closed = true;
      for (const seq of running) seq.req.aborted = true;
      for (let i = 0; i < waiting.length; i++) waiting.at(i).req.aborted = true;
      running = [];
      waiting.clear();
    },
  };
}
