/**
 * @module Builds and starts a simulator (clock, metrics, engines, HTTP) — one server, or a fleet of independent replicas
 * on consecutive ports sharing one simulated clock. Used by the CLI and by black-box tests (port 0).
 */
import type { ServeOptions } from '../scenario/options.ts';
import { buildServerContext, type BuildDeps } from '../serving/build.ts';
import { reloadScenario } from '../serving/reload.ts';
import { createApp } from '../http/app.ts';
import { listen, type RunningServer } from '../http/server.ts';
import type { ServerContext } from '../serving/context.ts';
import { loadScenario } from '../scenario/load.ts';
import { resolveDeployment, replicaDeployment, type Deployment } from '../scenario/resolve.ts';
import { createRealClock, createVirtualClock, type Clock } from '../clock/clock.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { createTraceWriter, type TraceWriter } from '../engine/trace.ts';
import { buildModelEngine } from '../engine/build-engine.ts';
import { afterFlush } from '../http/sse-writer.ts';
import { loadProfile, kvBytesPerToken } from '../timing/profile.ts';

/** Profile for models the catalog does not know. */
export const FALLBACK_PROFILE = 'llama-3.1-8b-instruct-h100';

export interface Replica {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly ctx: ServerContext;
}

export interface Simulator {
  /** The first replica's address (the only one for a single server). */
  readonly url: string;
  readonly port: number;
  readonly modelNames: readonly string[];
  readonly ctx: ServerContext;
  readonly clock: Clock;
  readonly replicas: readonly Replica[];
  close(): Promise<void>;
}

export async function startSimulator(options: ServeOptions): Promise<Simulator> {
  // Parsed already, simulated in the next commits; refusing beats silently ignoring them.
  const pending = [
    options.dataParallelSize > 1 && '--data-parallel-size',
    options.kvEvents && '--kv-events-config',
    options.enableSleepMode && '--enable-sleep-mode',
    options.identityHeaders && '--identity-headers',
    options.modelLoadSeconds > 0 && '--model-load-seconds',
  ].filter(Boolean);
  if (pending.length > 0) throw new Error(`${pending.join(', ')}: not simulated yet in this build`);
  const scenario = options.scenario ? loadScenario(options.scenario) : null;
  const base = resolveDeployment(options, scenario);
  const clock = options.speedup === Infinity ? createVirtualClock({ autoRun: true }) : createRealClock({ speedup: options.speedup });
  const trace = options.trace ? createTraceWriter(options.trace) : null;
  const started: { replica: Replica; server: RunningServer }[] = [];
  try {
    for (let i = 0; i < base.replicas.length; i++) started.push(await startReplica(options, replicaDeployment(base, i), i, clock, trace));
  } catch (err) {
    await Promise.all(started.map((s) => s.server.close()));
    throw err;
  }
  const first = started[0] as { replica: Replica; server: RunningServer };
  return {
    url: first.replica.url,
    port: first.replica.port,
    modelNames: first.replica.ctx.models.flatMap((m) => m.aliases),
    ctx: first.replica.ctx,
    clock,
    replicas: started.map((s) => s.replica),
    async close() {
      for (const { replica, server } of started) {
        for (const m of replica.ctx.models) m.engine.close();
        await server.close();
      }
      clock.stop();
      await trace?.close();
    },
  };
}

async function startReplica(options: ServeOptions, deployment: Deployment, index: number, clock: Clock, trace: TraceWriter | null): Promise<{ replica: Replica; server: RunningServer }> {
  const metrics = createMetrics();
  metrics.setClock(() => clock.unixSeconds());
  const deps: BuildDeps = {
    createEngine: ({ name, config, maxModelLen, profile }) =>
      buildModelEngine({ name, profile: profile ?? FALLBACK_PROFILE, settings: config.engine, schedulingPolicy: options.schedulingPolicy, clock, metrics, trace, maxModelLen, afterDelivery: afterFlush }),
    unixSeconds: () => clock.unixSeconds(),
    elapsed: () => clock.now(),
    after: (seconds, fn) => clock.at(clock.now() + seconds, fn),
    metrics,
    onFault: (kind) => trace?.writeFault(deployment.replica, kind, clock.now()),
    kvTransferSeconds: (profile, tokens) => {
      const p = loadProfile(profile ?? FALLBACK_PROFILE);
      return p.instant || p.fixed_step_ms !== undefined ? 0 : (tokens * kvBytesPerToken(p)) / (p.kv_transfer_gb_s * 1e9);
    },
  };
  const ctx = buildServerContext(deployment, options, deps);
  if (options.scenario) ctx.reload = () => reloadScenario(ctx, options, deps, index);
  const server = await listen(createApp(ctx), deployment.host, deployment.port, clock);
  ctx.address = { host: deployment.host, port: server.port };
  return { replica: { name: deployment.replica, url: server.url, port: server.port, ctx }, server };
}
