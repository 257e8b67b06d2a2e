/**
 * @module Builds and starts a simulator (clock, metrics, engines, HTTP) — one server, or a fleet of independent replicas
 * on consecutive ports sharing one simulated clock. Used by the CLI and by black-box tests (port 0).
 */
import type { ServeOptions } from '../scenario/options.ts';
import { buildServerContext, type BuildDeps, type EngineRequirements } from '../serving/build.ts';
import { reloadScenario } from '../serving/reload.ts';
import { createApp } from '../app/app.ts';
import { listen, type RunningServer } from '../http/server.ts';
import type { ServerContext } from '../serving/context.ts';
import { loadScenario } from '../scenario/load.ts';
import { resolveDeployment, replicaDeployment, type Deployment } from '../scenario/resolve.ts';
import { createRealClock, createVirtualClock, type Clock } from '../clock/clock.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { createTraceWriter, type TraceWriter } from '../engine/trace.ts';
import type { RequestReport } from '../engine/observer.ts';
import { buildModelEngine } from '../engine/build-engine.ts';
import { afterFlush } from '../http/sse-writer.ts';
import { loadProfile, kvBytesPerToken, frontEndCosts } from '../timing/profile.ts';
import type { Engine } from '../engine/types.ts';
import { createDataParallelEngine } from '../engine/data-parallel.ts';
import { withFrontEnd } from '../engine/frontend.ts';
import { createKvEventCollector } from '../kv-events/collector.ts';
import { encodeBatch } from '../kv-events/encode.ts';
import { createZmqPublisher, type KvEventPublisher } from '../kv-events/zmq-publisher.ts';
import { createLogger, type Logger } from '../logging/log.ts';
import { createEngineStatsLog, type EngineStatsLog } from '../logging/stats-logger.ts';
import { withRequestLog } from '../logging/request-log.ts';
import { createPreparePool, type PreparePool } from '../pipeline/prepare-pool.ts';

/** The preparation worker's entry (registers the TypeScript loader in its thread, then loads dialects/prepare-worker.ts). */
const PREPARE_WORKER_URL = new URL('../../bin/prepare-worker.js', import.meta.url).href;

/** Profile for models the catalog does not know. */
export const FALLBACK_PROFILE = 'llama-3.1-8b-instruct-h100';

export interface Replica {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly ctx: ServerContext;
  /** KV-event PUB (and replay) addresses, one per data-parallel rank (empty without --kv-events-config). */
  readonly kvEvents: readonly { readonly endpoint: string; readonly replayEndpoint: string | null }[];
  /** One line per engine built: model, profile, parallelism, KV size, batch limits (the start-up banner). */
  readonly engines: string[];
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
  const scenario = options.scenario ? loadScenario(options.scenario) : null;
  const base = resolveDeployment(options, scenario);
  const clock = options.speedup === Infinity ? createVirtualClock({ autoRun: true }) : createRealClock({ speedup: options.speedup });
  const trace = options.trace ? createTraceWriter(options.trace) : null;
  const logger = createLogger(() => clock.unixSeconds());
  const statsLogs: EngineStatsLog[] = [];
  const started: Started[] = [];
  const preparer =
    options.prepareWorkers > 0
      ? createPreparePool({
          workers: options.prepareWorkers,
          maxPrepareMs: options.maxPrepareMs,
          maxMemoryMb: options.maxPrepareMemoryMb,
          workerUrl: PREPARE_WORKER_URL,
          releasesClockHold: Number.isFinite(options.speedup),
          onWarning: (m) => logger.warning('llmsim', m),
        })
      : null;
  try {
    const shared = { clock, trace, logger, statsLogs, fleet: base.replicas.length > 1, preparer };
    if (options.replicaIndex !== null) {
      // One pod of a heterogeneous fleet: this replica's settings, on the pod's own port.
      const i = options.replicaIndex;
      if (i >= base.replicas.length) throw new Error(`--replica-index ${i}: the scenario has ${base.replicas.length} replica(s)`);
      const d = replicaDeployment(base, i);
      started.push(await startReplica(options, { ...d, port: base.replicas[i]?.port ?? base.port }, 0, shared));
    } else for (let i = 0; i < base.replicas.length; i++) started.push(await startReplica(options, replicaDeployment(base, i), i, shared));
    // Every replica's configuration is registered: the workers start now and load them all before the first job.
    preparer?.start();
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    await preparer?.close();
    throw err;
  }
  // vLLM's periodic stats line. Not in virtual time: a timer always pending would keep the clock running forever.
  let stopStats = (): void => {};
  if (options.logStats && Number.isFinite(options.speedup)) {
    const tick = (): void => {
      for (const log of statsLogs) log.log(clock.now());
      stopStats = clock.at(clock.now() + options.logStatsInterval, tick);
    };
    stopStats = clock.at(clock.now() + options.logStatsInterval, tick);
  }

  const first = started[0] as Started;
  return {
    url: first.replica.url,
    port: first.replica.port,
    modelNames: first.replica.ctx.models.flatMap((m) => m.aliases),
    ctx: first.replica.ctx,
    clock,
    replicas: started.map((s) => s.replica),
    async close() {
      stopStats();
      for (const s of started) await s.close();
      await preparer?.close();
      clock.stop();
      await trace?.close();
    },
  };
}

interface Shared {
  readonly clock: Clock;
  readonly trace: TraceWriter | null;
  readonly logger: Logger;
  readonly statsLogs: EngineStatsLog[];
  /** Several replicas: the trace names the one that served each request (how a proxy spread the load). */
  readonly fleet: boolean;
  /** `--prepare-workers` > 0: the preparation pool every replica uses (one per distinct configuration). */
  readonly preparer: PreparePool | null;
}

interface Started {
  readonly replica: Replica;
  close(): Promise<void>;
}

async function startReplica(
  options: ServeOptions,
  deployment: Deployment,
  index: number,
  { clock, trace: shared, logger, statsLogs, fleet, preparer }: Shared,
): Promise<Started> {
  const trace = shared && fleet ? { ...shared, write: (m: string, r: RequestReport) => shared.write(m, r, deployment.replica) } : shared;
  const metrics = createMetrics();
  metrics.setClock(() => clock.unixSeconds());
  const dp = options.dataParallelSize;
  // One publisher per data-parallel rank, its ports offset by rank as vLLM does; replicas of a fleet come after.
  const publishers: KvEventPublisher[] = [];
  const closePublishers = (): Promise<unknown> => Promise.all(publishers.map((p) => p.close()));
  try {
    if (options.kvEvents) for (let r = 0; r < dp; r++) publishers.push(await createZmqPublisher(options.kvEvents, index * dp + r));
  } catch (err) {
    await closePublishers();
    throw new Error(`--kv-events-config: cannot open ${options.kvEvents?.endpoint}: ${(err as Error).message}`);
  }
  const engines: string[] = [];
  const buildRank = (name: string, config: EngineRequirements['config'], maxModelLen: number, profile: string | null, rank: number): Engine => {
    const publisher = publishers[rank];
    const collector = publisher ? createKvEventCollector(config.engine.blockSize ?? 16) : null;
    let stats: EngineStatsLog | null = null;
    const engine = buildModelEngine({
      name,
      profile: profile ?? FALLBACK_PROFILE,
      settings: config.engine,
      schedulingPolicy: config.engine.schedulingPolicy ?? options.schedulingPolicy,
      clock,
      metrics,
      trace,
      maxModelLen,
      afterDelivery: afterFlush,
      traceTokens: options.traceTokens === true,
      engineIndex: String(rank),
      frontEnd: false,
      ...(collector && publisher
        ? {
            kvEvents: {
              ...collector,
              flush() {
                const events = collector.take();
                if (events.length > 0) publisher.publish(encodeBatch(clock.unixSeconds(), events, rank));
              },
            },
          }
        : {}),
      extraObserver: {
        step: (r) => stats?.observer.step?.(r),
        prefixCache: (q, h) => stats?.observer.prefixCache?.(q, h),
      },
    });
    if (options.logStats) {
      stats = createEngineStatsLog(rank, () => engine.stats(), logger);
      statsLogs.push(stats);
    }
    const z = engine.sizing;
    engines.push(
      `${name} (engine ${rank}): profile ${z.profile}, TP ${z.tensorParallel}, KV cache ${z.totalBlocks} blocks of ${z.blockSize} tokens, ` +
        `max_num_seqs ${z.maxNumSeqs}, max_num_batched_tokens ${z.maxNumBatchedTokens}, max_model_len ${maxModelLen}`,
    );
    return engine;
  };
  const deps: BuildDeps = {
    createEngine: ({ name, config, maxModelLen, profile }) => {
      const ranks = Array.from({ length: dp }, (_, r) => buildRank(name, config, maxModelLen, profile, r));
      // vLLM runs the API server in front of all ranks of a deployment (DESIGN.md §10.2): the ranks share its loop(s).
      const costs = frontEndCosts(loadProfile(profile ?? FALLBACK_PROFILE));
      // An unset --api-server-count is the DP size (vLLM's serve.py, internal load balancing, vllm-project/vllm#32525).
      const loops = options.apiServerCount ?? dp;
      const engine = withFrontEnd(dp > 1 ? createDataParallelEngine(ranks) : (ranks[0] as Engine), clock, costs, loops);
      return options.logRequests ? withRequestLog(engine, logger) : engine;
    },
    unixSeconds: () => clock.unixSeconds(),
    unixTime: () => clock.unixTime(),
    elapsed: () => clock.now(),
    after: (seconds, fn) => clock.at(clock.now() + seconds, fn),
    metrics,
    onFault: (kind) => {
      trace?.writeFault(deployment.replica, kind, clock.now());
      if (options.logRequests) logger.info('llmsim', `Injected fault '${kind}' (${deployment.replica})`);
    },
    kvTransferSeconds: (profile, tokens) => {
      const p = loadProfile(profile ?? FALLBACK_PROFILE);
      return p.instant || p.fixed_step_ms !== undefined ? 0 : (tokens * kvBytesPerToken(p)) / (p.kv_transfer_gb_s * 1e9);
    },
    pod: options.pod,
    onWarning: (message) => logger.warning('llmsim', message),
  };
  let ctx: ServerContext;
  let server: RunningServer;
  try {
    ctx = buildServerContext(deployment, options, deps);
    if (preparer) {
      ctx.preparer = preparer;
      preparer.warm(ctx);
    }
    if (options.scenario) ctx.reload = () => reloadScenario(ctx, options, deps, options.replicaIndex ?? index);
    server = await listen(createApp(ctx), deployment.host, deployment.port, clock);
  } catch (err) {
    await closePublishers();
    throw err;
  }
  ctx.address = { host: deployment.host, port: server.port };
  // The simulated model load starts once the server listens, as a vLLM pod's HTTP server comes up before it is ready.
  ctx.lifecycle.readyAt = clock.now() + options.modelLoadSeconds;
  if (options.modelLoadSeconds > 0) {
    const line = `Model loading took ${options.modelLoadSeconds} seconds (simulated); /health is ready`;
    clock.at(ctx.lifecycle.readyAt, () => logger.info('gpu_model_runner.py:2653', line));
  }
  const kvEvents = publishers.map((p) => ({ endpoint: p.endpoint, replayEndpoint: p.replayEndpoint }));
  return {
    replica: { name: deployment.replica, url: server.url, port: server.port, ctx, kvEvents, engines },
    async close() {
      for (const m of ctx.models) m.engine.close();
      await server.close();
      await closePublishers();
    },
  };
}
