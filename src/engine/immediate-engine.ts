/** @module Zero-time engine: releases one token per sequence per tick, with no timing model. A fallback and a baseline for the step engine. */
import type { Engine, EngineHandle, EngineRequest, EngineSink, EngineStats } from './types.ts';

interface Live {
  readonly request: EngineRequest;
  readonly sink: EngineSink;
  readonly released: number[];
  remaining: number;
  dead: boolean;
}

/** `defer` schedules the next tick (injected so this module arms no timers itself). */
export function createImmediateEngine({ defer }: { defer: (fn: () => void) => void }): Engine {
  const live = new Set<Live>();
  let armed = false;
  const tick = (): void => {
    armed = false;
    for (const entry of [...live]) {
      if (entry.dead) continue;
      entry.request.sequences.forEach((seq, i) => {
        const done = entry.released[i] as number;
        if (done >= seq.outputTokens || entry.dead) return;
        entry.released[i] = done + 1;
        const finished = done + 1 >= seq.outputTokens;
        if (finished) entry.remaining--;
        entry.sink.onTokens(i, done + 1, finished);
      });
      if (entry.remaining === 0 && !entry.dead) {
        live.delete(entry);
        entry.sink.onFinished({ cachedTokens: 0, arrivalTime: 0, firstScheduledTime: 0, firstTokenTime: 0, finishedTime: 0, preemptions: 0 });
      }
    }
    arm();
  };
  const arm = (): void => {
    if (!armed && live.size > 0) {
      armed = true;
      defer(tick);
    }
  };
  return {
    submit(request, sink): EngineHandle {
      const entry: Live = { request, sink, released: request.sequences.map(() => 0), remaining: request.sequences.length, dead: false };
      live.add(entry);
      arm();
      return {
        abort() {
          entry.dead = true;
          live.delete(entry);
        },
      };
    },
    stats: (): EngineStats => ({ running: live.size, waiting: 0, kvCacheUsage: 0 }),
    close() {
      for (const entry of live) entry.dead = true;
      live.clear();
    },
  };
}
