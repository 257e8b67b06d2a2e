/** @module Builds and starts one simulator instance (clock, metrics, engines, HTTP): used by the CLI and by black-box tests (port 0). */
import type { ServeOptions } from './args.ts';
import { buildServerContext, type BuildDeps } from '../serving/build.ts';
import { reloadScenario } from '../serving/reload.ts';
import { createApp } from '../http/app.ts';
import { listen } from '../http/server.ts';
import type { ServerContext } from '../serving/context.ts';
import { loadScenario } from '../scenario/load.ts';
import { resolveDeployment } from '../scenario/resolve.ts';
import { createRealClock, createVirtualClock, type Clock } from '../clock/clock.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { createTraceWriter } from '../engine/trace.ts';
import { buildModelEngine } from '../engine/build-engine.ts';

/** Profile for models the catalog does not know. */
export const FALLBACK_PROFILE = 'llama-3.1-8b-instruct-h100';

export interface Simulator {
  readonly url: string;
  readonly port: number;
  readonly modelNames: readonly string[];
  readonly ctx: ServerContext;
  readonly clock: Clock;
  close(): Promise<void>;
}

export async function startSimulator(options: ServeOptions): Promise<Simulator> {
  const scenario = options.scenario ? loadScenario(options.scenario) : null;
  const deployment = resolveDeployment(options, scenario);
  const clock = options.speedup === Infinity ? createVirtualClock({ autoRun: true }) : createRealClock({ speedup: options.speedup });
  const metrics = createMetrics();
  const trace = options.trace ? createTraceWriter(options.trace) : null;
  const deps: BuildDeps = {
    createEngine: ({ name, config, maxModelLen, profile }) =>
      buildModelEngine({ name, profile: profile ?? FALLBACK_PROFILE, settings: config.engine, schedulingPolicy: options.schedulingPolicy, clock, metrics, trace, maxModelLen }),
    unixSeconds: () => clock.unixSeconds(),
    elapsed: () => clock.now(),
    after: (seconds, fn) => clock.at(clock.now() + seconds, fn),
    metrics,
  };
  const ctx = buildServerContext(deployment, options, deps);
  if (options.scenario) ctx.reload = () => reloadScenario(ctx, options, deps);
  const app = createApp(ctx);
  const server = await listen(app, deployment.host, deployment.port);
  return {
    url: server.url,
    port: server.port,
    modelNames: ctx.models.flatMap((m) => m.aliases),
    ctx,
    clock,
    async close() {
      for (const m of ctx.models) m.engine.close();
      await server.close();
      clock.stop();
      await trace?.close();
    },
  };
}
