/** @module Merges command-line options with an optional scenario into one deployment description: typed flags win over the file. */
import type { ServeOptions, EngineFlags } from '../cli/args.ts';
import type { Scenario, ModelSpec, Rule } from './schema.ts';
import type { Fault } from '../faults/schema.ts';
import type { OutputLengthDistribution } from '../generate/plan.ts';
import type { ReasoningParser } from '../generate/output.ts';

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
    engine: options.engine,
    outputLengths: null,
    reasoningParser: options.reasoningParser,
    toolCallProbability: null,
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
  };
}

/** A scenario model, with any engine/tokenizer flags typed on the command line applied on top. */
function fromScenario(m: ModelSpec, options: ServeOptions, index: number): ModelConfig {
  const names = m.served_model_name === undefined ? [m.model] : typeof m.served_model_name === 'string' ? [m.served_model_name] : m.served_model_name;
  const engine: EngineFlags = {
    ...(m.engine?.max_num_seqs !== undefined ? { maxNumSeqs: m.engine.max_num_seqs } : {}),
    ...(m.engine?.max_num_batched_tokens !== undefined ? { maxNumBatchedTokens: m.engine.max_num_batched_tokens } : {}),
    ...(m.engine?.block_size !== undefined ? { blockSize: m.engine.block_size } : {}),
    ...(m.engine?.num_gpu_blocks_override !== undefined ? { numGpuBlocksOverride: m.engine.num_gpu_blocks_override } : {}),
    ...(m.engine?.gpu_memory_utilization !== undefined ? { gpuMemoryUtilization: m.engine.gpu_memory_utilization } : {}),
    ...(m.engine?.enable_prefix_caching !== undefined ? { enablePrefixCaching: m.engine.enable_prefix_caching } : {}),
    ...(m.engine?.max_waiting !== undefined ? { maxWaiting: m.engine.max_waiting } : {}),
    ...(m.engine?.max_loras !== undefined ? { maxLoras: m.engine.max_loras } : {}),
    ...options.engine,
  };
  return {
    root: m.model,
    aliases: names,
    tokenizerDir: options.tokenizer ?? m.tokenizer ?? null,
    maxModelLen: options.maxModelLen ?? m.max_model_len ?? null,
    profile: options.profile ?? m.profile ?? null,
    engine,
    outputLengths: m.output_lengths ?? null,
    reasoningParser: options.reasoningParser ?? m.reasoning_parser ?? null,
    toolCallProbability: m.tool_call_probability ?? null,
    loraModules: [...(m.lora_modules ?? []), ...(index === 0 ? options.loraModules : [])],
  };
}
