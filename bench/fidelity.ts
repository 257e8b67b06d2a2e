/**
 * @module Real-time fidelity: per request, the TTFT and mean ITL a client sees over loopback against the engine's
 * planned times in the trace. Only streams opened after the warm-up and run to the end count. The client is the lean
 * raw-socket one (bench/lean-stream-client.ts); its own event-loop delay is reported too, being part of what it sees.
 */
import { readFileSync, rmSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { llmsim } from './processes.ts';
import { runLeanLoad } from './lean-stream-client.ts';

export interface FidelityRow {
  readonly label: string;
  readonly events: number;
  readonly requests: number;
  readonly ttftP50: number;
  readonly ttftP99: number;
  readonly itlP50: number;
  readonly itlP99: number;
  readonly clientDelayP99: number;
}

export interface FidelityCase {
  readonly label: string;
  readonly profile: string;
  readonly concurrency: number;
  readonly maxTokens: number;
  readonly lengthSpread?: number;
  readonly extra?: readonly string[];
}

const quantile = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))] ?? 0;

export async function fidelity(c: FidelityCase, seconds: number): Promise<FidelityRow> {
  const trace = `/tmp/llmsim-bench-trace-${process.pid}.jsonl`;
  rmSync(trace, { force: true });
  const sim = await llmsim(9105, ['--profile', c.profile, '--trace', trace, ...(c.extra ?? [])]);
  const client = new Map<string, { ttft: number; itl: number }>();
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const r = await runLeanLoad({
    port: 9105,
    concurrency: c.concurrency,
    seconds,
    maxTokens: c.maxTokens,
    lengthSpread: c.lengthSpread ?? 0,
    rampSeconds: 1,
    onWindowStart: () => delay.enable(),
    onStreamDone: ({ requestId, sentAt, firstAt, lastAt, tokens, tokenEvents, inWindow }) => {
      // Only streams opened after the warm-up that ran to the end.
      if (!inWindow || tokenEvents < tokens || tokens < 2) return;
      // performance.now() is in ms; the trace is in (simulated) seconds.
      client.set(`chatcmpl-${requestId}`, { ttft: (firstAt - sentAt) / 1000, itl: (lastAt - firstAt) / (tokens - 1) / 1000 });
    },
  });
  delay.disable();
  await sim.stop();
  const dTtft: number[] = [];
  const dItl: number[] = [];
  for (const line of readFileSync(trace, 'utf8').trim().split('\n')) {
    const t = JSON.parse(line) as { request_id: string; arrival: number; first_token: number; finished: number; generated_tokens: number[] };
    const seen = client.get(t.request_id);
    if (!seen) continue;
    dTtft.push(Math.abs(seen.ttft - (t.first_token - t.arrival)) * 1000);
    dItl.push(Math.abs(seen.itl - (t.finished - t.first_token) / ((t.generated_tokens[0] as number) - 1)) * 1000);
  }
  rmSync(trace, { force: true });
  return {
    label: c.label,
    events: r.eventsPerSecond,
    requests: dTtft.length,
    ttftP50: quantile(dTtft, 0.5),
    ttftP99: quantile(dTtft, 0.99),
    itlP50: quantile(dItl, 0.5),
    itlP99: quantile(dItl, 0.99),
    clientDelayP99: delay.percentile(99) / 1e6 - 1,
  };
}
