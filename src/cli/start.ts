/** @module Builds and starts one simulator instance: used by the CLI and by black-box tests (port 0). */
import type { ServeOptions } from './args.ts';
import { buildServerContext, type BuildDeps } from '../serving/build.ts';
import { reloadScenario } from '../serving/reload.ts';
import { createApp } from '../http/app.ts';
import { listen } from '../http/server.ts';
import { createImmediateEngine } from '../engine/immediate-engine.ts';
import type { ServerContext } from '../serving/context.ts';
import { loadScenario } from '../scenario/load.ts';
import { resolveDeployment } from '../scenario/resolve.ts';

export interface Simulator {
  readonly url: string;
  readonly port: number;
  readonly modelNames: readonly string[];
  readonly ctx: ServerContext;
  close(): Promise<void>;
}

export async function startSimulator(options: ServeOptions): Promise<Simulator> {
  const scenario = options.scenario ? loadScenario(options.scenario) : null;
  const deployment = resolveDeployment(options, scenario);
  const startedAt = Date.now();
  const deps: BuildDeps = {
    // TEMPORARY until the clock module lands: zero-time ticks.
    createEngine: () => createImmediateEngine({ defer: (fn) => setImmediate(fn) }),
    unixSeconds: () => Math.floor(Date.now() / 1000),
    elapsed: () => (Date.now() - startedAt) / 1000,
    after: (seconds, fn) => {
      const t = setTimeout(fn, seconds * 1000);
      return () => clearTimeout(t);
    },
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
    async close() {
      for (const m of ctx.models) m.engine.close();
      await server.close();
    },
  };
}
