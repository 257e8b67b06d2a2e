/** @module Assembles a ServerContext from CLI options: tokenizer, engine and settings per served model. */
import type { ServeOptions } from '../cli/args.ts';
import type { Engine } from '../engine/types.ts';
import type { ServerContext, ServedModel } from './context.ts';
import { loadTokenizer, defaultTokenizerDir } from '../tokenizer/tokenizer.ts';
import { catalogEntry, FALLBACK_MAX_MODEL_LEN } from './catalog.ts';
import { DEFAULT_OUTPUT_LENGTHS } from '../generate/plan.ts';

/** The vLLM release whose wire format we reproduce (reported by GET /version). */
export const EMULATED_VLLM_VERSION = '0.11.0';

export interface EngineRequirements {
  readonly name: string;
  readonly root: string;
  readonly maxModelLen: number;
  /** Latency profile name from the catalog (null for unknown models). */
  readonly profile: string | null;
}

export interface BuildDeps {
  /** Creates the engine for one served model. */
  readonly createEngine: (model: EngineRequirements) => Engine;
  readonly unixSeconds: () => number;
}

export function buildServerContext(options: ServeOptions, deps: BuildDeps): ServerContext {
  const names = new Set<string>();
  const models = options.models.map((root, i): ServedModel => {
    const entry = catalogEntry(root);
    const tokenizer = loadTokenizer(options.tokenizer ?? entry?.tokenizerDir() ?? defaultTokenizerDir());
    const aliases = i === 0 && options.servedModelNames.length > 0 ? options.servedModelNames : [root];
    for (const alias of aliases) {
      if (names.has(alias)) throw new Error(`model name '${alias}' is served twice`);
      names.add(alias);
    }
    const maxModelLen = options.maxModelLen ?? entry?.maxModelLen ?? FALLBACK_MAX_MODEL_LEN;
    const name = aliases[0] as string;
    return {
      name,
      aliases,
      root,
      tokenizer,
      maxModelLen,
      engine: deps.createEngine({ name, root, maxModelLen, profile: entry?.profile ?? null }),
      outputLengths: DEFAULT_OUTPUT_LENGTHS,
      reasoningParser: options.reasoningParser,
      reasoningMedianTokens: 250,
      toolCallProbability: 0.8,
    };
  });
  return {
    models,
    settings: {
      seed: options.seed,
      apiKeys: options.apiKeys,
      maxLogprobs: options.maxLogprobs,
      enablePromptTokensDetails: options.enablePromptTokensDetails,
      priorityScheduling: options.schedulingPolicy === 'priority',
      enableSuffix: options.enableSuffix,
      maxBodyBytes: 32 * 1024 * 1024,
      version: EMULATED_VLLM_VERSION,
    },
    unixSeconds: deps.unixSeconds,
    inflight: 0,
  };
}
