/** @module Assembles a ServerContext from CLI options: tokenizer, engine and settings per served model. */
import type { ServeOptions } from '../cli/args.ts';
import type { Engine } from '../engine/types.ts';
import type { ServerContext, ServedModel } from './context.ts';
import { loadTokenizer, defaultTokenizerDir } from '../tokenizer/tokenizer.ts';
import { catalogEntry, FALLBACK_MAX_MODEL_LEN } from './catalog.ts';
import { DEFAULT_OUTPUT_LENGTHS } from '../generate/plan.ts';

/** The vLLM release whose wire format we reproduce (reported by GET /version). */
export const EMULATED_VLLM_VERSION = '0.11.0';

export interface BuildDeps {
  /** Creates the engine for one served model. */
  readonly createEngine: (model: { name: string; maxModelLen: number }) => Engine;
  readonly unixSeconds: () => number;
}

export function buildServerContext(options: ServeOptions, deps: BuildDeps): ServerContext {
  const entry = catalogEntry(options.model);
  const tokenizerDir = options.tokenizer ?? entry?.tokenizerDir() ?? defaultTokenizerDir();
  const tokenizer = loadTokenizer(tokenizerDir);
  const aliases = options.servedModelNames.length > 0 ? options.servedModelNames : [options.model];
  const maxModelLen = options.maxModelLen ?? entry?.maxModelLen ?? FALLBACK_MAX_MODEL_LEN;
  const name = aliases[0] as string;
  const model: ServedModel = {
    name,
    aliases,
    root: options.model,
    tokenizer,
    maxModelLen,
    engine: deps.createEngine({ name, maxModelLen }),
    outputLengths: DEFAULT_OUTPUT_LENGTHS,
    reasoningParser: options.reasoningParser,
    reasoningMedianTokens: 250,
    toolCallProbability: 0.8,
  };
  return {
    models: [model],
    settings: {
      seed: options.seed,
      apiKeys: options.apiKeys,
      maxLogprobs: options.maxLogprobs,
      enablePromptTokensDetails: options.enablePromptTokensDetails,
      priorityScheduling: options.schedulingPolicy === 'priority',
      maxBodyBytes: 32 * 1024 * 1024,
      version: EMULATED_VLLM_VERSION,
    },
    unixSeconds: deps.unixSeconds,
    inflight: 0,
  };
}
