/** @module Assembles a ServerContext from a resolved deployment: tokenizer, engine and settings per served model. */
import type { ServeOptions } from '../scenario/options.ts';
import type { Engine } from '../engine/types.ts';
import type { PrepareEnv, PrepModel, ServerContext, ServedModel } from './context.ts';
import type { Rule } from '../scenario/schema.ts';
import type { Deployment, ModelConfig } from '../scenario/resolve.ts';
import { loadTokenizer, defaultTokenizerDir } from '../tokenizer/tokenizer.ts';
import { catalogEntry, catalogNames, FALLBACK_MAX_MODEL_LEN } from './catalog.ts';
import { DEFAULT_OUTPUT_LENGTHS } from '../generate/plan.ts';
import { createFaultInjector } from '../faults/injector.ts';
import type { MetricsRegistry } from '../metrics/metrics.ts';

/** The vLLM release whose wire format we reproduce (reported by GET /version). */
export const EMULATED_VLLM_VERSION = '0.11.0';

export interface EngineRequirements {
  readonly name: string;
  readonly config: ModelConfig;
  readonly maxModelLen: number;
  /** Latency profile: the model's own setting, else the catalog's, else null (unknown model). */
  readonly profile: string | null;
}

export interface BuildDeps {
  /** Creates the engine for one served model. */
  readonly createEngine: (model: EngineRequirements) => Engine;
  readonly unixSeconds: () => number;
  readonly unixTime: () => number;
  readonly elapsed: () => number;
  readonly after: (seconds: number, fn: () => void) => () => void;
  readonly metrics: MetricsRegistry;
  /** Start-up warnings (a model llmsim does not know, and what it uses for it instead). */
  readonly onWarning?: (message: string) => void;
  /** Also told of every injected fault (the trace records them). */
  readonly onFault?: (kind: string) => void;
  /** KV transfer time for P/D for a model's profile. */
  readonly kvTransferSeconds: (profile: string | null, tokens: number) => number;
  /** The pod serving (POD_NAME / POD_NAMESPACE, as Kubernetes' downward API sets them), for identity headers. */
  readonly pod?: { readonly name: string | null; readonly namespace: string | null };
}

export function buildServerContext(deployment: Deployment, options: ServeOptions, deps: BuildDeps): ServerContext {
  return {
    models: buildModels(deployment, deps, []),
    rules: deployment.rules,
    deployment,
    settings: {
      seed: deployment.seed,
      apiKeys: deployment.apiKeys,
      maxLogprobs: options.maxLogprobs,
      enablePromptTokensDetails: options.enablePromptTokensDetails,
      enableSuffix: options.enableSuffix,
      maxBodyBytes: 32 * 1024 * 1024,
      cors: options.cors,
      version: EMULATED_VLLM_VERSION,
      safety: deployment.safety,
      dataParallelSize: options.dataParallelSize,
      identity: options.identityHeaders ? { replica: deployment.replica, pod: deps.pod?.name ?? null, namespace: deps.pod?.namespace ?? null } : null,
      enableSleepMode: options.enableSleepMode,
    },
    unixSeconds: deps.unixSeconds,
    unixTime: deps.unixTime,
    elapsed: deps.elapsed,
    after: deps.after,
    address: { host: deployment.host, port: deployment.port },
    faults: createFaultInjector({
      faults: deployment.faults,
      seed: deployment.seed,
      onInject: (kind) => {
        deps.metrics.fault(kind);
        deps.onFault?.(kind);
      },
    }),
    metrics: deps.metrics,
    inflight: 0,
    configVersion: 0,
    lifecycle: { readyAt: options.modelLoadSeconds, sleepLevel: 0 },
    dataParallelCursor: 0,
  };
}

/**
 * One ServedModel per configured model. A model whose configuration is unchanged from `previous` keeps its engine
 * (and so its queue, KV cache and in-flight streams) across a scenario reload.
 */
export function buildModels(deployment: Deployment, deps: BuildDeps, previous: readonly ServedModel[]): ServedModel[] {
  const names = new Set<string>();
  return deployment.models.map((config): ServedModel => {
    for (const alias of config.aliases) {
      if (names.has(alias)) throw new Error(`model name '${alias}' is served twice`);
      names.add(alias);
    }
    const key = JSON.stringify(config);
    const kept = previous.find((m) => m.configKey === key);
    if (kept) return kept;
    const prep = buildPrepModel(
      config,
      config.loraModules.map((l) => [l.name, l.path]),
    );
    const entry = catalogEntry(config.root);
    const profile = config.profile ?? entry?.profile ?? null;
    if (!entry) deps.onWarning?.(unknownModelWarning(config));
    return {
      ...prep,
      loras: new Map(prep.loras),
      engine: deps.createEngine({ name: prep.name, config, maxModelLen: prep.maxModelLen, profile }),
      kvTransferSeconds: (tokens) => deps.kvTransferSeconds(profile, tokens),
      maxWaiting: config.engine.maxWaiting ?? null,
    };
  });
}

/** The preparation side of one configured model (tokenizer, limits, output shape): the same on every thread. */
export function buildPrepModel(config: ModelConfig, loras: readonly (readonly [string, string])[]): PrepModel {
  const entry = catalogEntry(config.root);
  return {
    name: config.aliases[0] as string,
    aliases: config.aliases,
    root: config.root,
    configKey: JSON.stringify(config),
    tokenizer: loadTokenizer(config.tokenizerDir ?? entry?.tokenizerDir() ?? defaultTokenizerDir()),
    maxModelLen: config.maxModelLen ?? entry?.maxModelLen ?? FALLBACK_MAX_MODEL_LEN,
    outputLengths: config.outputLengths ?? DEFAULT_OUTPUT_LENGTHS,
    reasoningParser: config.reasoningParser,
    priorityScheduling: config.engine.schedulingPolicy === 'priority',
    reasoningMedianTokens: 250,
    toolParser: config.toolParser,
    toolCallProbability: config.toolCallProbability ?? 0.8,
    loras: new Map(loras),
    prefixBlockSize: (config.engine.enablePrefixCaching ?? true) ? (config.engine.blockSize ?? 16) : null,
  };
}

/** What a preparation worker is built from: plain, structured-cloneable data (a snapshot of the configuration in force). */
export interface PrepareConfig {
  readonly models: readonly { readonly config: ModelConfig; readonly loras: readonly (readonly [string, string])[] }[];
  readonly rules: readonly Rule[];
  readonly settings: PrepareEnv['settings'];
}

export function prepareConfigOf(ctx: ServerContext): PrepareConfig {
  const s = ctx.settings;
  return {
    models: ctx.deployment.models.map((config, i) => ({ config, loras: [...(ctx.models[i]?.loras ?? new Map<string, string>())] })),
    rules: ctx.rules,
    settings: { seed: s.seed, maxLogprobs: s.maxLogprobs, safety: s.safety, enableSuffix: s.enableSuffix },
  };
}

/** The preparation environment a worker builds once from a `PrepareConfig` (tokenizers load here). */
export function prepareEnvOf(config: PrepareConfig): PrepareEnv {
  return { models: config.models.map((m) => buildPrepModel(m.config, m.loras)), rules: config.rules, settings: config.settings };
}

/**
 * A model name outside the catalog still starts (any name may be served), but what it is simulated with must not be a
 * surprise: say which tokenizer and chat template, context window and latency profile stand in for it.
 */
export function unknownModelWarning(config: ModelConfig): string {
  const tokenizer = config.tokenizerDir
    ? `the tokenizer in ${config.tokenizerDir}`
    : "Qwen/Qwen3-8B's tokenizer and chat template (pass --tokenizer DIR for its own)";
  const len = config.maxModelLen ?? FALLBACK_MAX_MODEL_LEN;
  const profile = config.profile ?? 'the default latency profile (pass --profile for its own)';
  return (
    `Model '${config.root}' is not in llmsim's catalog: simulating it with ${tokenizer}, max_model_len ${len}, ${profile}. Known ` +
    `models: ${catalogNames().join(', ')}.`
  );
}
