/** @module Scenario reload (SIGHUP, POST /admin/reload): swaps models, rules and faults without dropping in-flight streams. */
import type { ServeOptions } from '../scenario/options.ts';
import type { ServerContext } from './context.ts';
import { buildModels, type BuildDeps } from './build.ts';
import { loadScenario } from '../scenario/load.ts';
import { resolveDeployment, replicaDeployment } from '../scenario/resolve.ts';

/**
 * Throws (leaving everything as it was) when the file is invalid. Models whose configuration is unchanged keep their
 * engines; engines of removed or changed models are closed once they have nothing in flight.
 */
export function reloadScenario(ctx: ServerContext, options: ServeOptions, deps: BuildDeps, replica = 0): void {
  const scenario = loadScenario(options.scenario as string);
  const deployment = replicaDeployment(resolveDeployment(options, scenario), replica);
  const models = buildModels(deployment, deps, ctx.models);
  const retired = ctx.models.filter((m) => !models.includes(m));
  ctx.models = models;
  ctx.rules = deployment.rules;
  ctx.deployment = deployment;
  ctx.faults.reset(deployment.faults);
  ctx.configVersion++;
  for (const model of retired) closeWhenIdle(ctx, model.engine);
}

function closeWhenIdle(ctx: ServerContext, engine: ServerContext['models'][number]['engine']): void {
  const stats = engine.stats();
  if (stats.running + stats.waiting === 0) engine.close();
  else ctx.after(1, () => closeWhenIdle(ctx, engine));
}
