/** @module Merges command-line options with an optional scenario into one deployment description: typed flags win over the file. */
import type { ServeOptions } from './options.ts';
import type { EngineFlags } from '../engine/settings.ts';
import type { Scenario, ModelSpec, Rule, ReplicaSpec } from './schema.ts';
import type { z } from 'zod';
import type { EngineSettingsSchema } from './schema.ts';

type EngineSettings = z.infer<typeof EngineSettingsSchema>;
import type { Fault } from '../faults/schema.ts';
import { mergeSafety, type SafetyOverrides, type SafetySettings } from './safety.ts';
import type { OutputLengthDistribution } from '../generate/plan.ts';
import type { ReasoningParser } from '../generate/output.ts';
import { toolParserOf } from '../protocol/tool-parsers.ts';

export interface ModelConfig {
  readonly root: string;
  readonly aliases: readonly string[];
  readonly tokenizerDir: string | null;
  readonly maxModelLen: number | null;
  readonly profile: string | null;
  readonly engine: EngineFlags;
  readonly outputLengths: OutputLengthDistribution | null;
  readonly reasoningParser: ReasoningParser | null;
  readonly toolCallProbability: number | null;
  /** The tool-call parser in force (auto tool choice enabled with a parser named), else null: no tool calls. */
  readonly toolParser: string | null;
  readonly loraModules: readonly { readonly name: string; readonly path: string }[];
}

export interface Deployment {
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  readonly apiKeys: readonly string[];
  readonly models: readonly ModelConfig[];
  readonly rules: readonly Rule[];
  readonly faults: readonly Fault[];
  /** Name of this replica (fleets); `replica-0` for a single server. */
  readonly replica: string;
  /** Replica overrides; one entry per replica to start (a single server has one, empty). */
  readonly replicas: readonly ReplicaSpec[];
  /** Request templates, fault header, Responses store: defaults, then the scenario's `safety`, then the flags. */
  readonly safety: SafetySettings;
}

/** The deployment of replica `i`: its port, profile and engine overrides, and its own faults. */
export function replicaDeployment(base: Deployment, i: number): Deployment {
  const spec = base.replicas[i] ?? {};
  const engine = spec.engine ? engineFlagsOf(spec.engine) : {};
  return {
    ...base,
    replica: spec.name ?? `replica-${i}`,
    port: spec.port ?? (base.port === 0 ? 0 : base.port + i),
    faults: spec.faults ?? base.faults,
    models: base.models.map((m) => ({ ...m, profile: spec.profile ?? m.profile, engine: { ...m.engine, ...engine } })),
  };
}

export function resolveDeployment(options: ServeOptions, scenario: Scenario | null): Deployment {
  const typed = (flag: string): boolean => options.explicit.has(flag) || !scenario;
  const scenarioKeys = scenario?.api_key === undefined ? [] : typeof scenario.api_key === 'string' ? [scenario.api_key] : scenario.api_key;
  const fromCli = (root: string, i: number): ModelConfig => ({
    root,
    aliases: i === 0 && options.servedModelNames.length > 0 ? options.servedModelNames : [root],
    tokenizerDir: options.tokenizer,
    maxModelLen: options.maxModelLen,
    profile: options.profile,
    engine: { ...options.engine, schedulingPolicy: options.schedulingPolicy },
    outputLengths: null,
    // vLLM serves one model per process, so its flags describe that model: with several `--model`s, the first.
    reasoningParser: i === 0 ? options.reasoningParser : null,
    toolCallProbability: null,
    toolParser: i === 0 ? toolParserOf(options) : null,
    loraModules: i === 0 ? options.loraModules : [],
  });
  const models = scenario && !options.explicit.has('model') ? scenario.models.map((m, i) => fromScenario(m, options, i)) : options.models.map(fromCli);
  return {
    host: typed('host') || scenario?.host === undefined ? options.host : scenario.host,
    port: typed('port') || scenario?.port === undefined ? options.port : scenario.port,
    seed: typed('seed') || scenario?.seed === undefined ? options.seed : scenario.seed,
    apiKeys: options.apiKeys.length > 0 ? options.apiKeys : scenarioKeys,
    models,
    rules: scenario?.rules ?? [],
    faults: scenario?.faults ?? [],
    safety: mergeSafety(scenarioSafety(scenario), options.safety),
    replica: 'replica-0',
    replicas: options.replicas > 1 || !scenario?.replicas ? Array.from({ length: options.replicas }, () => ({})) : scenario.replicas,
  };
}

/** The scenario's `safety` section as overrides. */
function scenarioSafety(scenario: Scenario | null): SafetyOverrides | undefined {
  const s = scenario?.safety;
  if (!s) return undefined;
  return {
    ...(s.trust_request_chat_template !== undefined ? { trustRequestChatTemplate: s.trust_request_chat_template } : {}),
    templateBudget: s.max_template_steps !== undefined ? { maxSteps: s.max_template_steps } : {},
    ...(s.fault_header !== undefined ? { faultHeader: s.fault_header } : {}),
    ...(s.max_fault_header_seconds !== undefined ? { maxFaultHeaderSeconds: s.max_fault_header_seconds } : {}),
    responsesStore: {
      ...(s.responses_store !== undefined ? { enabled: s.responses_store } : {}),
      ...(s.responses_store_max_entries !== undefined ? { maxEntries: s.responses_store_max_entries } : {}),
      ...(s.responses_store_max_bytes !== undefined ? { maxBytes: s.responses_store_max_bytes } : {}),
    },
  };
}

/** Scenario engine settings (snake_case) as engine flags. */
function engineFlagsOf(e: EngineSettings): EngineFlags {
  return {
    ...(e.max_num_seqs !== undefined ? { maxNumSeqs: e.max_num_seqs } : {}),
    ...(e.max_num_batched_tokens !== undefined ? { maxNumBatchedTokens: e.max_num_batched_tokens } : {}),
    ...(e.block_size !== undefined ? { blockSize: e.block_size } : {}),
    ...(e.num_gpu_blocks_override !== undefined ? { numGpuBlocksOverride: e.num_gpu_blocks_override } : {}),
    ...(e.gpu_memory_utilization !== undefined ? { gpuMemoryUtilization: e.gpu_memory_utilization } : {}),
    ...(e.enable_prefix_caching !== undefined ? { enablePrefixCaching: e.enable_prefix_caching } : {}),
    ...(e.max_waiting !== undefined ? { maxWaiting: e.max_waiting } : {}),
    ...(e.max_loras !== undefined ? { maxLoras: e.max_loras } : {}),
    ...(e.scheduling_policy !== undefined ? { schedulingPolicy: e.scheduling_policy } : {}),
  };
}

/** A scenario model, with any engine/tokenizer flags typed on the command line applied on top. */
function fromScenario(m: ModelSpec, options: ServeOptions, index: number): ModelConfig {
  const names = m.served_model_name === undefined ? [m.model] : typeof m.served_model_name === 'string' ? [m.served_model_name] : m.served_model_name;
  const engine: EngineFlags = {
    ...(m.engine ? engineFlagsOf(m.engine) : {}),
    ...options.engine,
    ...(options.explicit.has('scheduling-policy') ? { schedulingPolicy: options.schedulingPolicy } : {}),
  };
  return {
    root: m.model,
    aliases: names,
    tokenizerDir: options.tokenizer ?? m.tokenizer ?? null,
    maxModelLen: options.maxModelLen ?? m.max_model_len ?? null,
    profile: options.profile ?? m.profile ?? null,
    engine,
    outputLengths: m.output_lengths ?? null,
    // A parser typed on the command line is the first (default) model's, as `--served-model-name` is; the others keep
    // their own `reasoning_parser` (a Llama next to a Qwen3 does not start thinking).
    reasoningParser: (index === 0 ? options.reasoningParser : null) ?? m.reasoning_parser ?? null,
    toolCallProbability: m.tool_call_probability ?? null,
    // Like the reasoning parser: flags typed on the command line are the first model's, each field on its own.
    toolParser: toolParserOf(
      {
        enableAutoToolChoice:
          index === 0 && options.explicit.has('enable-auto-tool-choice') ? options.enableAutoToolChoice : (m.enable_auto_tool_choice ?? false),
        toolCallParser: (index === 0 ? options.toolCallParser : null) ?? m.tool_call_parser ?? null,
        toolParserPlugin: options.toolParserPlugin,
      },
      `scenario model ${m.model}: `,
    ),
    loraModules: [...(m.lora_modules ?? []), ...(index === 0 ? options.loraModules : [])],
  };
}
