/**
 * @module The pure half of `POST /v1/completions`: validate, normalise the prompts (text, ids, batches, FIM), tokenize
 * and plan every prompt under one work budget. Runs in a preparation worker or on the engine's thread alike.
 */
import { resolveModel, loraOf, type PrepareEnv, type PrepModel } from '../../serving/context.ts';
import { CompletionRequestSchema, type CompletionRequest } from '../../protocol/completions.ts';
import { parseRequest } from '../../protocol/fields.ts';
import { checkResponseFormat } from '../../protocol/response-format.ts';
import { checkStructuredOutputsCount } from '../../protocol/structured-outputs.ts';
import { checkCacheSalt, checkStreamFields } from '../../protocol/request-checks.ts';
import { errors, valueError } from '../../protocol/errors.ts';
import { toSamplingParams, type SamplingParams } from '../../protocol/sampling.ts';
import { effectiveMaxTokens, planPrompt, withPrefixHashes, type PlannedPrompt } from '../../pipeline/plan-prompt.ts';
import { truncatePrompt } from '../../pipeline/prompt.ts';
import { fimPromptText, supportsFim } from '../../pipeline/fim.ts';
import { completionIntent } from './output-intent.ts';
import { readOutputContract } from '../../pipeline/output-contract.ts';
import { readKvTransfer, type KvTransfer, type KvTransferAsk } from '../../pipeline/kv-transfer.ts';
import type { Served } from '../../pipeline/prepare-wire.ts';
import { WorkMeter } from '../../pipeline/work-budget.ts';
import { checkCharsCanFit } from '../../pipeline/size-checks.ts';
import { canonicalHash } from '../../generate/rng.ts';
import { renderCompletionLogprobs, type RenderedPromptLogprobs } from './prompt-logprobs-render.ts';

/** The preparation job kind of this route's preparation (dialects/prepare-jobs.ts). */
export const COMPLETION_JOB = 'openai.completion';

export interface PlannedCompletion {
  readonly request: CompletionRequest;
  readonly model: PrepModel;
  readonly modelName: string;
  readonly params: SamplingParams;
  readonly prompts: readonly PlannedPrompt[];
  /** Prompt text per prompt, for `echo`. */
  readonly promptTexts: readonly string[];
  /** `echo` with `max_tokens: 0`: return only the prompt (one token is generated internally, as vLLM does). */
  readonly echoOnly: boolean;
  /** Seeds the response id (with the request's own X-Request-Id or `request_id`, when given). */
  readonly key: string;
  readonly ask: KvTransferAsk;
  /** Per prompt: its prompt logprobs (`prompt_logprobs`, echo with `logprobs`) as JSON text, rendered here (worker). */
  readonly rendered: readonly (RenderedPromptLogprobs | null)[];
}

/** A completion request ready for the engine (completions.ts adds, on the engine's thread, the id, `created` and P/D transfer). */
export interface PreparedCompletion extends Served<PlannedCompletion> {
  readonly id: string;
  readonly created: number;
  readonly transfer: KvTransfer;
}

export function planCompletion(env: PrepareEnv, body: Record<string, unknown>): PlannedCompletion {
  checkResponseFormat(body);
  checkStructuredOutputsCount(body);
  const request = parseRequest(CompletionRequestSchema, body);
  checkCompletionRequest(request);
  const model = resolveModel(env, request.model);
  const contract = readOutputContract(model, completionIntent(request), env.rules);
  if (request.suffix !== null && request.suffix !== undefined && !env.settings.enableSuffix) throw errors.suffixUnsupported();
  if (request.best_of !== null && request.best_of !== undefined && request.best_of > 1) throw errors.bestOf();
  const idLists = promptIdLists(model, request);
  const requested = request.max_tokens === undefined ? 16 : request.max_tokens;
  const echoOnly = (request.echo ?? false) && requested === 0;
  let params: SamplingParams | null = null;
  const ask = readKvTransfer(request.kv_transfer_params);
  const meter = new WorkMeter(); // one budget for the whole batch of prompts
  const prompts = idLists.map((ids) => {
    const maxTokens = effectiveMaxTokens(model, ids.length, echoOnly ? 1 : requested);
    const logprobs = request.logprobs ?? null;
    const p = toSamplingParams(request, maxTokens, logprobs, { maxLogprobs: env.settings.maxLogprobs, vocabSize: model.tokenizer.vocabSize });
    params ??= p;
    return withPrefixHashes(model, planPrompt(env, model, ids, p, contract, loraOf(model, request.model), undefined, meter), request.cache_salt);
  });
  if ((request.priority ?? 0) !== 0 && !model.priorityScheduling) throw errors.priorityUnsupported();
  const echo = request.echo ?? false;
  const asTokenIds = request.return_tokens_as_token_ids ?? false;
  const stream = request.stream ?? false;
  const promptTexts = idLists.map((ids) => model.tokenizer.decode(ids, false));
  const rendered = prompts.map((planned, i) =>
    renderCompletionLogprobs(env, model.tokenizer, planned, params as unknown as SamplingParams, {
      echo,
      echoOnly,
      asTokenIds,
      stream,
      promptText: echo ? (promptTexts[i] ?? '') : '',
    }),
  );
  return {
    request,
    model,
    modelName: request.model || model.name,
    params: params as unknown as SamplingParams,
    // Logprobs rendered for every choice are not sent back (see renderCompletionLogprobs): only that there are some.
    prompts: prompts.map((planned, i) => (rendered[i]?.choices ? { ...planned, logprobs: planned.plans.map(() => []) } : planned)),
    promptTexts,
    echoOnly,
    key: canonicalHash(prompts.map((x) => x.key)),
    ask,
    rendered,
  };
}

function checkCompletionRequest(r: CompletionRequest): void {
  checkStreamFields(r);
  if (r.logprobs !== null && r.logprobs !== undefined && r.logprobs < 0) throw valueError('`logprobs` must be a positive value.');
  const p = r.prompt;
  const empty =
    p === null || p === undefined || p === '' || (Array.isArray(p) && (p.length === 0 || p.some((x) => x === '' || (Array.isArray(x) && x.length === 0))));
  if (empty && (r.prompt_embeds === null || r.prompt_embeds === undefined)) throw valueError('Either prompt or prompt_embeds must be provided and non-empty.');
  checkCacheSalt(r);
}

/** Normalises the four prompt shapes into token-id lists (text is tokenized with `add_special_tokens`, default true). */
function promptIdLists(model: PrepModel, r: CompletionRequest): number[][] {
  const p = r.suffix !== null && r.suffix !== undefined ? fimPrompt(model, r.prompt, r.suffix) : r.prompt;
  const add = r.add_special_tokens ?? true;
  // Before any tokenizer work: text that cannot fit in the context window however it tokenizes.
  if (r.truncate_prompt_tokens === null || r.truncate_prompt_tokens === undefined) {
    checkCharsCanFit(
      model,
      typeof p === 'string' ? p.length : Array.isArray(p) ? (p as unknown[]).reduce<number>((m, x) => Math.max(m, typeof x === 'string' ? x.length : 0), 0) : 0,
    );
  }
  const lists: number[][] =
    typeof p === 'string'
      ? [model.tokenizer.encode(p, add)]
      : Array.isArray(p) && p.length > 0 && typeof p[0] === 'number'
        ? [p as number[]]
        : (p as (string | number[])[]).map((x) => (typeof x === 'string' ? model.tokenizer.encode(x, add) : x));
  for (const ids of lists) {
    for (const id of ids) if (id < 0 || id >= model.tokenizer.vocabSize) throw errors.tokenOutOfVocab(id, model.tokenizer.vocabSize);
  }
  return lists.map((ids) => truncatePrompt(model, ids, r.truncate_prompt_tokens));
}

/** `--enable-suffix`: the PSM prompt `<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>` (Qwen-style markers), as OpenAI's `suffix` implies. */
function fimPrompt(model: PrepModel, prompt: CompletionRequest['prompt'], suffix: string): string {
  if (typeof prompt !== 'string') throw errors.sampling('suffix needs a single text prompt', 'suffix');
  if (!supportsFim(model.tokenizer))
    throw errors.sampling(`The model \`${model.name}\` has no fill-in-the-middle tokens, so suffix is not supported`, 'suffix');
  return fimPromptText(prompt, suffix);
}
