/** @module The planning step of the preparation pipeline: context-window checks, the request's seed key, every choice planned up front. */
import type { PrepareEnv, PrepModel } from '../serving/context.ts';
import { errors } from '../protocol/errors.ts';
import { uniqueRequestHex } from '../clock/request-ids.ts';
import type { SamplingParams } from '../protocol/sampling.ts';
import type { ChoicePlan } from '../generate/plan.ts';
import { planOutput } from '../generate/output.ts';
import { ConstraintError } from '../generate/structured.ts';
import type { OutputContract } from './output-contract.ts';
import { codeSourceFor } from './code-prompt.ts';
import { WorkMeter } from './work-budget.ts';
import { generatedLogprobs, type TokenLogprob } from '../generate/logprobs.ts';
import { hash } from 'node:crypto';
import { canonicalJson, createRng, sha256Hex, type Rng } from '../generate/rng.ts';
import { chainedBlockHashes, idText, type IdText, type PrefixHashes } from '../engine/block-hash.ts';

export interface PlannedPrompt {
  readonly promptIds: readonly number[];
  readonly plans: readonly ChoicePlan[];
  /** Per choice, per token; null when logprobs were not requested. */
  readonly logprobs: readonly (readonly TokenLogprob[])[] | null;
  /** Seeds everything else derived from this prompt (ids, prompt logprobs). */
  readonly key: string;
  readonly lora: string | null;
  /** P/D decode side: seconds to pull the prompt's KV from the prefill instance. */
  readonly remotePrefillSeconds?: number;
  /** The prompt's prefix-cache block hashes, computed here so the engine's thread does not (`withPrefixHashes`). */
  readonly prefixHashes?: PrefixHashes;
}

/** Adds the prompt's block hashes for `cache_salt` (the engine recomputes them if its block size differs). */
export function withPrefixHashes(model: PrepModel, planned: PlannedPrompt, cacheSalt: string | null | undefined): PlannedPrompt {
  const blockSize = model.prefixBlockSize;
  if (blockSize === null) return planned;
  const salt = cacheSalt || '';
  return { ...planned, prefixHashes: { blockSize, salt, hashes: chainedBlockHashes(planned.promptIds, salt, blockSize, idTextOf(planned.promptIds)) } };
}

/** vLLM `_validate_input` for completion-like requests: prompt must leave room, and prompt + max_tokens must fit. */
export function effectiveMaxTokens(model: PrepModel, promptLen: number, requested: number | null | undefined): number {
  if (promptLen >= model.maxModelLen) throw errors.promptTooLong(model.maxModelLen, promptLen);
  if (requested !== null && requested !== undefined) {
    if (requested > model.maxModelLen - promptLen) throw errors.maxTokensTooLarge(requested, model.maxModelLen, promptLen);
    return requested;
  }
  return model.maxModelLen - promptLen;
}

/**
 * Plans all `n` choices for one prompt. Text depends only on (global seed, prompt, sampling knobs, seed, choice).
 * Work is charged to `meter` (one per request, shared by a completions batch's prompts; see work-budget.ts).
 */
export function planPrompt(
  ctx: PrepareEnv,
  model: PrepModel,
  promptIds: readonly number[],
  params: SamplingParams,
  contract: OutputContract,
  lora: string | null = null,
  remotePrefillSeconds?: number,
  meter: WorkMeter = new WorkMeter(),
): PlannedPrompt {
  const perChoice = params.ignoreEos ? params.maxTokens : Math.min(params.maxTokens, Math.max(model.outputLengths.max, params.minTokens) + 1);
  const structured = contract.constraint !== null || contract.tools !== null;
  // The estimate, before any planning; a structured choice longer than it is charged the rest once planned.
  meter.charge(params.n * perChoice, params.logprobs);
  const key = requestKey(model, promptIds, params, contract, lora);
  const code = codeSourceFor(model.tokenizer, promptIds, contract.code);
  const style = code !== null ? 'code' : 'prose';
  const plans: ChoicePlan[] = [];
  const logprobs: TokenLogprob[][] = [];
  const seed = ctx.settings.seed;
  for (let i = 0; i < params.n; i++) {
    // Spelled out, not spread: an object spread followed by more keys gets a fresh hidden class on every call in V8,
    // which made this literal cost more than planning the tokens.
    const plan = planWithContract({
      canned: contract.canned,
      constraint: contract.constraint,
      tools: contract.tools,
      reasoning: contract.reasoning,
      structureRng: lazyRng(seed, key, i, 'structure'),
      tokenizer: model.tokenizer,
      rng: createRng(seed, key, i, 'content'),
      maxTokens: params.maxTokens,
      ignoreEos: params.ignoreEos,
      minTokens: params.minTokens,
      stop: params.stop,
      stopTokenIds: params.stopTokenIds,
      includeStopStrInOutput: params.includeStopStrInOutput,
      style,
      code,
      lengths: model.outputLengths,
    });
    plans.push(plan);
    meter.charge(plan.tokenCount - perChoice, params.logprobs);
    if (structured) meter.chargeStructured(plan.tokenCount);
    if (params.logprobs !== null) {
      logprobs.push(generatedLogprobs(model.tokenizer, createRng(seed, key, i, 'logprobs'), plan.tokenIds, Math.max(0, params.logprobs), params));
    }
  }
  const planned: PlannedPrompt = { promptIds, plans, logprobs: params.logprobs !== null ? logprobs : null, key, lora };
  return remotePrefillSeconds === undefined ? planned : { promptIds, plans, logprobs: planned.logprobs, key, lora, remotePrefillSeconds };
}

/**
 * The request's identity for seeding (hex sha256): model, prompt ids and every knob that changes the output. One hash
 * per request over a fixed-order string; the structured parts (constraint, tools, canned answer) only when present.
 */
function requestKey(model: PrepModel, promptIds: readonly number[], params: SamplingParams, contract: OutputContract, lora: string | null): string {
  const structured =
    (contract.constraint ?? contract.tools ?? contract.canned) ? canonicalJson({ c: contract.constraint, t: contract.tools, k: contract.canned }) : '';
  const knobs = `${params.seed}|${params.temperature}|${params.topP}|${params.topK}|${params.minP}`;
  return sha256Hex(`${model.root}\u0000${lora ?? ''}\u0000${knobs}\u0000${structured}\u0000${promptDigest(promptIds)}`);
}

const digests = new WeakMap<readonly number[], string>();

/** sha256 of the prompt ids joined by commas, remembered per array: prompts from the prompt cache are the same array on every hit. */
function promptDigest(ids: readonly number[]): string {
  let d = digests.get(ids);
  if (d === undefined) digests.set(ids, (d = hash('sha256', idTextOf(ids).bytes, 'hex')));
  return d;
}

/**
 * The id text of the prompt planned last: its digest and its block hashes read the same text (block-hash.ts), and a
 * request asks for both, one after the other, on the same array. One entry: nothing else is held.
 */
let lastIds: readonly number[] | null = null;
let lastText: IdText | null = null;
function idTextOf(ids: readonly number[]): IdText {
  if (lastIds !== ids || lastText === null) {
    lastText = idText(ids);
    lastIds = ids;
  }
  return lastText;
}

/** A stream created on first use: plain answers never touch their structure stream, and seeding one costs microseconds. */
function lazyRng(seed: number, key: string, choice: number, purpose: string): Rng {
  let rng: Rng | null = null;
  return () => (rng ??= createRng(seed, key, choice, purpose))();
}

/** Unsatisfiable or malformed schemas and patterns are the client's fault: 400 with the reason. */
function planWithContract(spec: Parameters<typeof planOutput>[0]): ChoicePlan {
  try {
    return planOutput(spec);
  } catch (err) {
    if (err instanceof ConstraintError) throw errors.unsupportedConstraint(err.message);
    throw err;
  }
}

/**
 * The response id (also the trace's request id): the client's `X-Request-Id` header or `request_id` when given, else
 * unique per request (src/clock/request-ids.ts), so identical requests are told apart.
 */
export function responseId(prefix: string, headerId: string | undefined, bodyId: string | null | undefined): string {
  return `${prefix}${headerId ?? bodyId ?? uniqueRequestHex()}`;
}
