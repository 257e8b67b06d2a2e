import { describe, it, expect } from 'vitest';
import { createVirtualClock } from '../clock/clock.ts';
import { createStepModel, type StepModel } from '../timing/step-model.ts';
import { createKvCache } from './kv-cache.ts';
import { createStepEngine } from './step-engine.ts';
import { loadProfile } from '../timing/profile.ts';
import type { EngineRequest, RequestSummary } from './types.ts';
import type { RequestReport, StepReport } from './observer.ts';

const profile = loadProfile('llama-3.1-8b-instruct-h100');
const model = createStepModel(profile);

interface Run {
  clock: ReturnType<typeof createVirtualClock>;
  engine: ReturnType<typeof createStepEngine>;
  steps: StepReport[];
  reports: RequestReport[];
  tokens: Map<string, number[]>;
  summaries: Map<string, RequestSummary>;
  submit(id: string, promptLen: number, outputs: number[], extra?: Partial<EngineRequest>): { abort(): void };
}

function setup({
  maxNumSeqs = 256,
  maxNumBatchedTokens = 8192,
  blocks = 10_000,
  stepModel = model,
}: {
  maxNumSeqs?: number;
  maxNumBatchedTokens?: number;
  blocks?: number;
  stepModel?: StepModel;
} = {}): Run {
  const clock = createVirtualClock();
  const steps: StepReport[] = [];
  const reports: RequestReport[] = [];
  const kv = createKvCache({ totalBlocks: blocks, blockSize: 16, enablePrefixCaching: true });
  const engine = createStepEngine({
    clock,
    model: stepModel,
    kv,
    maxNumSeqs,
    maxNumBatchedTokens,
    observer: { step: (s) => steps.push(s), requestDone: (r) => reports.push(r) },
  });
  const tokens = new Map<string, number[]>();
  const summaries = new Map<string, RequestSummary>();
  return {
    clock,
    engine,
    steps,
    reports,
    tokens,
    summaries,
    submit(id, promptLen, outputs, extra = {}) {
      const times: number[] = [];
      tokens.set(id, times);
      const salt = [...id].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 100_003, 7);
      const promptTokenIds = extra.promptTokenIds ?? Array.from({ length: promptLen }, (_, i) => (i * 7919 + salt * 104729) % 50000);
      return engine.submit(
        { requestId: id, promptTokenIds, sequences: outputs.map((o) => ({ outputTokens: o, finishReason: 'length' })), priority: 0, maxTokens: 1000, ...extra },
        {
          onTokens: () => times.push(clock.now()),
          onFinished: (s) => summaries.set(id, s),
        },
      );
    },
  };
}

const decodeStep = (batch: number, ctx: number): number => model.stepTime({ prefill: [], decodeContexts: Array(batch).fill(ctx) });

describe('step engine on the virtual clock', () => {
  it('schedules a request queued behind a withdrawn one that kicked the engine first (no other submit needed)', () => {
    // As a departed client's abort stand-in (pipeline/engine-run.ts countAborted): submitted with an early arrival
    // and withdrawn at once, it set the kicked step's start before the next request's arrival; that step admitted
    // nothing and armed nothing, and the request waited until another submit (health-gap bench, 2026-12-04).
    const run = setup();
    run.clock.advanceTo(10);
    run.submit('stand-in', 1, [1], { arrivalTime: 1 }).abort();
    run.submit('next', 100, [3], { arrivalTime: 9 });
    run.clock.runUntilIdle();
    expect(run.summaries.has('next')).toBe(true);
    expect(run.tokens.get('next')).toHaveLength(3);
  });

  it('gives a lone request the TTFT and ITL of the profile formula', () => {
    const run = setup();
    run.submit('a', 100, [5]);
    run.clock.runUntilIdle();
    const t = run.tokens.get('a')!;
    const prefill = model.stepTime({ prefill: [{ tokens: 100, context: 0, last: true }], decodeContexts: [] });
    expect(t[0]).toBeCloseTo(model.ingress + prefill, 12);
    for (let k = 1; k < 5; k++) expect(t[k]! - t[k - 1]!).toBeCloseTo(decodeStep(1, 100 + k - 1), 12);
    expect(run.summaries.get('a')!.firstTokenTime).toBeCloseTo(t[0]!, 12);
  });

  it('makes inter-token latency grow with the batch size', () => {
    const itl = (batch: number): number => {
      const run = setup();
      for (let i = 0; i < batch; i++) run.submit(`r${i}`, 64, [20]);
      run.clock.runUntilIdle();
      const t = run.tokens.get('r0')!;
      return t[10]! - t[9]!;
    };
    expect(itl(1)).toBeLessThan(itl(32));
    expect(itl(32)).toBeLessThan(itl(256));
  });

  it('stalls running decodes by the time of a long prefill sharing their step', () => {
    const run = setup();
    run.submit('short', 32, [50]);
    run.clock.advanceTo(0.2);
    const before = run.tokens.get('short')!.length;
    run.submit('long', 4000, [2]);
    run.clock.runUntilIdle();
    const t = run.tokens.get('short')!;
    const gaps = t.slice(1).map((x, i) => x - t[i]!);
    const longest = Math.max(...gaps);
    const ctxAtJoin = 32 + gaps.indexOf(longest) + 1;
    const expected = model.stepTime({ prefill: [{ tokens: 4000, context: 0, last: true }], decodeContexts: [ctxAtJoin - 1] });
    expect(before).toBeGreaterThan(0);
    expect(longest).toBeCloseTo(expected, 9);
    expect(longest).toBeGreaterThan(10 * decodeStep(1, 100));
  });

  it('never exceeds the token budget or max-num-seqs, and chunks long prompts', () => {
    const run = setup({ maxNumSeqs: 8, maxNumBatchedTokens: 512 });
    for (let i = 0; i < 20; i++) run.submit(`r${i}`, 300 + i * 50, [30]);
    run.clock.runUntilIdle();
    expect(run.steps.every((s) => s.scheduledTokens <= 512 && s.batchSize <= 8)).toBe(true);
    expect(run.reports.filter((r) => r.prefillChunks.length > 1).length).toBeGreaterThan(0);
    expect(run.reports).toHaveLength(20);
  });

  it('makes requests wait when the KV cache is full, and preempts when decodes need blocks', () => {
    const run = setup({ blocks: 40 });
    const waiting: number[] = [];
    for (let i = 0; i < 6; i++) run.submit(`r${i}`, 100, [200]);
    run.clock.advanceTo(0.1);
    waiting.push(run.engine.stats().waiting);
    run.clock.runUntilIdle();
    expect(waiting[0]).toBeGreaterThan(0);
    expect(run.reports.reduce((s, r) => s + r.preemptions, 0)).toBeGreaterThan(0);
    expect(run.reports).toHaveLength(6);
    for (const r of run.reports) expect(r.generatedTokens).toEqual([200]);
    expect(run.engine.stats()).toEqual({ running: 0, waiting: 0, kvCacheUsage: 0 });
  });

  it('reports cached tokens and a shorter TTFT for a repeated prefix', () => {
    const run = setup();
    const prompt = Array.from({ length: 2000 }, (_, i) => i % 1000);
    run.submit('first', 0, [3], { promptTokenIds: prompt });
    run.clock.runUntilIdle();
    run.submit('second', 0, [3], { promptTokenIds: prompt });
    run.clock.runUntilIdle();
    const first = run.summaries.get('first')!;
    const second = run.summaries.get('second')!;
    expect(first.cachedTokens).toBe(0);
    expect(second.cachedTokens).toBe(Math.floor(1999 / 16) * 16);
    expect(second.firstTokenTime - second.arrivalTime).toBeLessThan(0.5 * (first.firstTokenTime - first.arrivalTime));
    const salted = setup();
    salted.submit('a', 0, [1], { promptTokenIds: prompt, cacheSalt: 'x' });
    salted.clock.runUntilIdle();
    salted.submit('b', 0, [1], { promptTokenIds: prompt, cacheSalt: 'y' });
    salted.clock.runUntilIdle();
    expect(salted.summaries.get('b')!.cachedTokens).toBe(0);
  });

  it('frees the slot and every KV block of an aborted request at once', () => {
    const run = setup();
    const a = run.submit('a', 500, [1000]);
    run.submit('b', 500, [1000]);
    run.clock.advanceTo(0.3);
    expect(run.engine.stats().running).toBe(2);
    a.abort();
    a.abort();
    const after = run.engine.stats();
    expect(after.running).toBe(1);
    expect(run.reports.find((r) => r.requestId === 'a')?.finishReason).toBe('abort');
    run.clock.runUntilIdle();
    expect(run.summaries.has('a')).toBe(false);
    expect(run.engine.stats()).toEqual({ running: 0, waiting: 0, kvCacheUsage: 0 });
  });

  it('runs one step at a time even when a sink aborts a request from inside a step', () => {
    // A mid-stream fault (truncate, drop) aborts its request from the token callback. That abort used to arm a
    // second step chain beside the planned one, so the engine ran ever faster than its profile.
    const run = setup();
    const handles: { abort(): void }[] = [];
    for (let i = 0; i < 6; i++) {
      const id = `f${i}`;
      let seen = 0;
      const times: number[] = [];
      run.tokens.set(id, times);
      handles.push(
        run.engine.submit(
          {
            requestId: id,
            promptTokenIds: Array.from({ length: 32 }, (_, k) => k + i * 100),
            sequences: [{ outputTokens: 40, finishReason: 'length' }],
            priority: 0,
            maxTokens: 40,
          },
          {
            onTokens: () => {
              times.push(run.clock.now());
              if (++seen === 3 + i) handles[i]!.abort();
            },
            onFinished: () => {},
          },
        ),
      );
    }
    run.submit('steady', 32, [60]);
    run.clock.runUntilIdle();
    for (let i = 1; i < run.steps.length; i++) {
      const prev = run.steps[i - 1]!;
      expect(run.steps[i]!.start).toBeGreaterThanOrEqual(prev.start + prev.duration - 1e-12);
    }
    expect(run.tokens.get('steady')).toHaveLength(60);
    expect(run.engine.stats()).toEqual({ running: 0, waiting: 0, kvCacheUsage: 0 });
  });

  it('keeps every request timeline ordered when the host runs late (arrival ≤ queued ≤ scheduled < first token ≤ finish)', () => {
    // A host running 50 ms behind: timers fire at their deadlines, but "now" reads later, as it does for a busy
    // process. Requests arriving meanwhile must not land in steps that started (in simulated time) before them.
    const inner = createVirtualClock();
    let late = 0;
    const clock = { ...inner, now: () => inner.now() + late };
    const reports: RequestReport[] = [];
    const kv = createKvCache({ totalBlocks: 10_000, blockSize: 16, enablePrefixCaching: true });
    const engine = createStepEngine({ clock, model, kv, maxNumSeqs: 256, maxNumBatchedTokens: 8192, observer: { requestDone: (r) => reports.push(r) } });
    const submit = (i: number): void => {
      engine.submit(
        {
          requestId: `l${i}`,
          promptTokenIds: Array.from({ length: 40 + i }, (_, k) => k * 31 + i),
          sequences: [{ outputTokens: 30, finishReason: 'length' }],
          priority: 0,
          maxTokens: 30,
          arrivalTime: clock.now(),
        },
        { onTokens: () => {}, onFinished: () => {} },
      );
    };
    submit(0);
    inner.advanceBy(0.1);
    late = 0.05;
    for (let i = 1; i <= 8; i++) {
      submit(i);
      inner.advanceBy(0.013);
    }
    late = 0;
    inner.runUntilIdle();
    expect(reports).toHaveLength(9);
    for (const r of reports) {
      expect(r.queued).toBeGreaterThanOrEqual(r.arrival);
      expect(r.firstScheduled!).toBeGreaterThanOrEqual(r.queued);
      expect(r.firstToken!).toBeGreaterThan(r.firstScheduled!);
      expect(r.finished).toBeGreaterThanOrEqual(r.firstToken!);
      for (const chunk of r.prefillChunks) expect(chunk.time).toBeGreaterThanOrEqual(r.queued);
    }
  });

  it('gives n sequences their own slots, sharing the prompt through the prefix cache', () => {
    const run = setup();
    run.submit('n', 64, [5, 9, 3]);
    run.clock.runUntilIdle();
    expect(run.reports[0]!.generatedTokens).toEqual([5, 9, 3]);
    expect(run.tokens.get('n')).toHaveLength(17);
  });

  it('produces the identical trace for a seeded workload on every run', () => {
    const workload = (): string => {
      const run = setup({ blocks: 300, maxNumSeqs: 16, maxNumBatchedTokens: 1024 });
      let x = 42;
      const rand = (): number => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let i = 0; i < 60; i++) {
        run.clock.advanceBy(rand() * 0.05);
        run.submit(`r${i}`, 20 + Math.floor(rand() * 800), [1 + Math.floor(rand() * 200)]);
      }
      run.clock.runUntilIdle();
      return JSON.stringify(run.reports);
    };
    const a = workload();
    expect(workload()).toBe(a);
    expect(JSON.parse(a)).toHaveLength(60);
  });
});

describe('async scheduling (vLLM >= 0.14)', () => {
  // 10 ms steps, no front-end delay: the schedule is easy to read off.
  const fixed = (asyncScheduling: boolean): StepModel => ({ stepTime: () => 0.01, ingress: 0, asyncScheduling });
  const firstToken = (asyncScheduling: boolean, at: number): number => {
    const run = setup({ stepModel: fixed(asyncScheduling) });
    run.submit('a', 16, [20]);
    run.clock.at(at, () => run.submit('b', 16, [2]));
    run.clock.runUntilIdle();
    return run.tokens.get('b')![0]!;
  };

  it('puts a request that reaches a busy engine into the step after next', () => {
    // b arrives at 15 ms, inside step 2 (10-20 ms). Synchronous: it joins step 3 (20-30 ms). Async: step 3 was planned
    // at 10 ms, when step 2 was launched, so b joins step 4 (30-40 ms).
    expect(firstToken(false, 0.015)).toBeCloseTo(0.03, 12);
    expect(firstToken(true, 0.015)).toBeCloseTo(0.04, 12);
  });

  it('still schedules a request on an idle engine at once, and leaves the decode cadence alone', () => {
    const run = setup({ stepModel: fixed(true) });
    run.submit('a', 16, [3]);
    run.clock.runUntilIdle();
    expect(run.tokens.get('a')!.map((t) => Math.round(t * 1000))).toEqual([10, 20, 30]);
  });
});
