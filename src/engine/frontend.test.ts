import { describe, it, expect } from 'vitest';
import { createVirtualClock } from '../clock/clock.ts';
import { withFrontEnd } from './frontend.ts';
import type { Engine, EngineRequest, EngineSink } from './types.ts';

/** An engine that records what it was given and when; the test drives its sinks by hand. */
function fakeEngine(now: () => number): Engine & { seen: { id: string; at: number; arrival: number | undefined; sink: EngineSink }[]; aborted: string[] } {
  const seen: { id: string; at: number; arrival: number | undefined; sink: EngineSink }[] = [];
  const aborted: string[] = [];
  return {
    seen,
    aborted,
    submit(request: EngineRequest, sink: EngineSink) {
      seen.push({ id: request.requestId, at: now(), arrival: request.arrivalTime, sink });
      return { abort: () => aborted.push(request.requestId) };
    },
    stats: () => ({ running: 0, waiting: 0, kvCacheUsage: 0 }),
    close: () => {},
  };
}

const req = (id: string, promptLen = 4): EngineRequest => ({
  requestId: id,
  promptTokenIds: new Array<number>(promptLen).fill(0),
  sequences: [{ outputTokens: 2 }],
  priority: 0,
  maxTokens: 2,
});
const summary = { cachedTokens: 0, arrivalTime: 0, firstScheduledTime: 0, firstTokenTime: 0, finishedTime: 0, preemptions: 0 };

describe('front-end queue (one FIFO loop in front of the engine, virtual clock)', () => {
  it('is a pass-through when every cost is 0', () => {
    const clock = createVirtualClock();
    const inner = fakeEngine(() => clock.now());
    expect(withFrontEnd(inner, clock, { perRequest: 0, perPromptToken: 0, perChunk: 0 })).toBe(inner);
  });

  it('serves requests one after another before the engine sees them, tokenization per prompt token', () => {
    const clock = createVirtualClock();
    const inner = fakeEngine(() => clock.now());
    const fe = withFrontEnd(inner, clock, { perRequest: 0.01, perPromptToken: 0.001, perChunk: 0 });
    const none: EngineSink = { onTokens: () => {}, onFinished: () => {} };
    fe.submit(req('a', 10), none);
    fe.submit(req('b', 0), none);
    clock.runUntilIdle();
    expect(inner.seen.map((s) => [s.id, +s.at.toFixed(6), +(s.arrival ?? -1).toFixed(6)])).toEqual([
      ['a', 0.02, 0.02],
      ['b', 0.03, 0.03],
    ]);
  });

  it('delays each streamed chunk by the loop time of the chunks before it, and the finish after the last chunk', () => {
    const clock = createVirtualClock();
    const inner = fakeEngine(() => clock.now());
    const fe = withFrontEnd(inner, clock, { perRequest: 0, perPromptToken: 0, perChunk: 0.002 });
    const got: string[] = [];
    const sink = (id: string): EngineSink => ({
      onTokens: (_s, n) => got.push(`${id}${n}@${(clock.now() * 1000).toFixed(0)}`),
      onFinished: () => got.push(`${id}done@${(clock.now() * 1000).toFixed(0)}`),
    });
    fe.submit(req('a'), sink('a'));
    fe.submit(req('b'), sink('b'));
    clock.runUntilIdle();
    // One engine step at t = 10 ms hands out a token to each request, then both finish.
    clock.at(0.01, () => {
      for (const s of inner.seen) s.sink.onTokens(0, 1, true);
      for (const s of inner.seen) s.sink.onFinished(summary);
    });
    clock.runUntilIdle();
    expect(got).toEqual(['a1@12', 'adone@12', 'b1@14', 'bdone@14']);
  });

  it('an abort while queued cancels the hand-off: the engine never sees the request', () => {
    const clock = createVirtualClock();
    const inner = fakeEngine(() => clock.now());
    const fe = withFrontEnd(inner, clock, { perRequest: 0.01, perPromptToken: 0, perChunk: 0 });
    const h = fe.submit(req('a'), { onTokens: () => {}, onFinished: () => {} });
    h.abort();
    h.abort();
    clock.runUntilIdle();
    expect(inner.seen).toEqual([]);
  });

  it('an abort after the hand-off aborts the engine request and drops chunks still in the loop', () => {
    const clock = createVirtualClock();
    const inner = fakeEngine(() => clock.now());
    const fe = withFrontEnd(inner, clock, { perRequest: 0, perPromptToken: 0, perChunk: 0.005 });
    const got: number[] = [];
    const h = fe.submit(req('a'), { onTokens: (_s, n) => got.push(n), onFinished: () => got.push(-1) });
    clock.runUntilIdle();
    inner.seen[0]!.sink.onTokens(0, 1, false);
    h.abort();
    clock.runUntilIdle();
    expect(inner.aborted).toEqual(['a']);
    expect(got).toEqual([]);
  });
});

describe('several front-end loops (--api-server-count)', () => {
  it('a burst spreads round-robin over idle loops; a loop keeps its requests and their chunks', () => {
    const clock = createVirtualClock();
    const inner = fakeEngine(() => clock.now());
    const fe = withFrontEnd(inner, clock, { perRequest: 0.01, perPromptToken: 0, perChunk: 0.004 }, 2);
    const out: [string, number][] = [];
    for (const id of ['a', 'b', 'c', 'd']) fe.submit(req(id), { onTokens: () => out.push([id, +clock.now().toFixed(6)]), onFinished: () => {} });
    clock.runUntilIdle();
    // Two loops: a and b at 10 ms, c and d behind them at 20 ms (one loop would give 10, 20, 30, 40).
    expect(inner.seen.map((s) => [s.id, +s.at.toFixed(6)])).toEqual([
      ['a', 0.01],
      ['b', 0.01],
      ['c', 0.02],
      ['d', 0.02],
    ]);
    // a's chunk (loop 0) and b's (loop 1) are served side by side; c's waits behind a's on loop 0.
    inner.seen[0]!.sink.onTokens(0, 1, false);
    inner.seen[1]!.sink.onTokens(0, 1, false);
    inner.seen[2]!.sink.onTokens(0, 1, false);
    clock.runUntilIdle();
    expect(out).toEqual([
      ['a', 0.024],
      ['b', 0.024],
      ['c', 0.028],
    ]);
  });

  it('a request takes the loop that is free first, not the next in turn', () => {
    const clock = createVirtualClock();
    const inner = fakeEngine(() => clock.now());
    const fe = withFrontEnd(inner, clock, { perRequest: 0, perPromptToken: 0.001, perChunk: 0 }, 2);
    const none: EngineSink = { onTokens: () => {}, onFinished: () => {} };
    fe.submit(req('long', 50), none); // loop 0 busy until 50 ms
    fe.submit(req('short', 5), none); // loop 1 free at 5 ms
    fe.submit(req('next', 5), none); // loop 1 again (free at 5 ms, loop 0 at 50 ms)
    clock.runUntilIdle();
    expect(inner.seen.map((s) => [s.id, +s.at.toFixed(6)])).toEqual([
      ['short', 0.005],
      ['next', 0.01],
      ['long', 0.05],
    ]);
  });

  it('keeps the data-parallel ranks visible through the wrapper', () => {
    const clock = createVirtualClock();
    const ranks = [fakeEngine(() => clock.now()), fakeEngine(() => clock.now())];
    const fe = withFrontEnd({ ...fakeEngine(() => clock.now()), ranks }, clock, { perRequest: 0.01, perPromptToken: 0, perChunk: 0 }, 3);
    expect(fe.ranks).toBe(ranks);
  });
});

describe('front-end queue in a built engine (the live server and --simulate path)', () => {
  it("delays the first token by the profile's per-request cost; a profile without costs is unchanged", async () => {
    const { buildModelEngine } = await import('./build-engine.ts');
    const { createMetrics } = await import('../metrics/metrics.ts');
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'llmsim-fe-'));
    const file = join(dir, 'fe.yaml');
    writeFileSync(file, 'name: fe\nfixed_step_ms: 5\noverheads:\n  frontend_request_ms: 10\n');
    const firstToken = (profile: string): number => {
      const clock = createVirtualClock();
      const trace = { write: () => {}, writeFault: () => {}, close: async () => {} };
      const engine = buildModelEngine({
        name: 'm',
        profile,
        settings: {},
        schedulingPolicy: 'fcfs',
        clock,
        metrics: createMetrics(),
        trace,
        maxModelLen: 4096,
      });
      let at = -1;
      engine.submit(req('a'), { onTokens: () => (at < 0 ? (at = clock.now()) : 0), onFinished: () => {} });
      clock.runUntilIdle();
      engine.close();
      return at;
    };
    expect(firstToken('bench-fixed-20ms')).toBeCloseTo(0.02, 9);
    expect(firstToken(file)).toBeCloseTo(0.015, 9);
  });
});
