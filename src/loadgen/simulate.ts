/**
 * @module `llmsim bench --simulate`: the same workload on the engine in-process, on the virtual clock (no HTTP, no
 * tokenizer, no text): hours of simulated traffic in seconds, for capacity planning. Observations use the client's
 * definitions on simulated time: TTFT from the request's arrival to its first token, ITL between token deliveries.
 * Output lengths are taken as given (as with `--ignore-eos`: there is no text to stop early).
 */
import { buildModelEngine } from '../engine/build-engine.ts';
import { createVirtualClock } from '../clock/clock.ts';
import { createMetrics } from '../metrics/metrics.ts';
import type { RequestReport } from '../engine/observer.ts';
import type { RequestOutput } from './metrics.ts';
import type { SampleRequest } from './dataset.ts';
import type { EngineSample } from './report-html.ts';

export interface SimulatedRun {
  readonly outputs: RequestOutput[];
  readonly durationS: number;
  readonly engine: EngineSample[];
  readonly trace: RequestReport[];
}

export function simulate(
  profile: string,
  samples: readonly SampleRequest[],
  offsets: readonly number[],
  maxConcurrency: number | null,
  sampleEvery = 0.1,
): SimulatedRun {
  const clock = createVirtualClock();
  const trace: RequestReport[] = [];
  const sink = { write: (_m: string, r: RequestReport) => void trace.push(r), writeFault: () => {}, close: async () => {} };
  const engine = buildModelEngine({
    name: 'sim',
    profile,
    settings: {},
    schedulingPolicy: 'fcfs',
    clock,
    metrics: createMetrics(),
    trace: sink,
    maxModelLen: 1 << 20,
  });
  const outputs: RequestOutput[] = new Array(samples.length);
  const queue: { i: number; due: number }[] = [];
  let inflight = 0;
  let done = 0;
  let end = 0;
  const start = (i: number, due: number): void => {
    inflight++;
    const s = samples[i] as SampleRequest;
    const sent = clock.now();
    const out: RequestOutput = {
      requestId: s.requestId,
      success: false,
      error: '',
      promptLen: s.promptIds.length,
      outputTokens: s.outputLen,
      ttft: 0,
      itl: [],
      latency: 0,
      startTime: sent,
      queueTime: sent - due,
      generatedText: '',
      responseId: s.requestId,
    };
    outputs[i] = out;
    let last = sent;
    engine.submit(
      { requestId: s.requestId, promptTokenIds: s.promptIds, sequences: [{ outputTokens: s.outputLen }], priority: 0, maxTokens: s.outputLen },
      {
        onTokens() {
          const now = clock.now();
          if (last === sent) out.ttft = now - sent;
          else out.itl.push(now - last);
          last = now;
        },
        onFinished() {
          out.success = true;
          out.latency = last - sent;
          end = Math.max(end, last);
          inflight--;
          done++;
          const next = queue.shift();
          if (next) start(next.i, next.due);
        },
      },
    );
  };
  offsets.forEach((due, i) =>
    clock.at(due, () => {
      if (maxConcurrency !== null && inflight >= maxConcurrency) queue.push({ i, due });
      else start(i, due);
    }),
  );
  const engineSamples: EngineSample[] = [];
  const sampleState = (): void => {
    const st = engine.stats();
    engineSamples.push({ t: clock.now(), running: st.running, waiting: st.waiting, kvUsage: st.kvCacheUsage });
    if (done < samples.length) clock.at(clock.now() + sampleEvery, sampleState);
  };
  clock.at(0, sampleState);
  clock.runUntilIdle();
  engine.close();
  return { outputs, durationS: end, engine: engineSamples, trace };
}
