/** @module `POST /v1/completions`: prompts as text or token ids (one engine request per prompt), echo, legacy logprobs, FIM prompts. */
import { Hono, type Context } from 'hono';
import { resolveModel, loraOf, type ServerContext, type ServedModel } from '../../serving/context.ts';
import { CompletionRequestSchema, type CompletionRequest } from '../../protocol/completions.ts';
import { parseRequest } from '../../protocol/fields.ts';
import { errors, valueError } from '../../protocol/errors.ts';
import { toSamplingParams, type SamplingParams } from '../../protocol/sampling.ts';
import { RequestMemo, prepareWithMemo } from '../../pipeline/request-memo.ts';
import { effectiveMaxTokens, planPrompt, responseId, type PlannedPrompt } from '../../pipeline/plan-prompt.ts';
import { checkAdmission, runToCompletion } from '../../pipeline/engine-run.ts';
import { fimPromptText, hasFimTokens, truncatePrompt } from '../../pipeline/prompt.ts';
import { completionChoice } from './completion-choice.ts';
import { streamCompletions } from './completions-stream.ts';
import { usageOf } from './usage.ts';
import { readOutputContract } from '../../pipeline/output-contract.ts';
import { readKvTransfer, kvTransferResponse, NO_TRANSFER, type KvTransfer } from '../../pipeline/kv-transfer.ts';
import { WorkMeter } from '../../pipeline/work-budget.ts';
import { canonicalHash } from '../../generate/rng.ts';

export interface PreparedCompletion {
  readonly request: CompletionRequest;
  readonly model: ServedModel;
  readonly modelName: string;
  readonly params: SamplingParams;
  readonly prompts: readonly PlannedPrompt[];
  /** Prompt text per prompt, for `echo`. */
  readonly promptTexts: readonly string[];
  /** `echo` with `max_tokens: 0`: return only the prompt (one token is generated internally, as vLLM does). */
  readonly echoOnly: boolean;
  readonly id: string;
  /** Seeds the response id (with the request's own X-Request-Id or `request_id`, when given). */
  readonly key: string;
  readonly created: number;
  readonly transfer: KvTransfer;
}

export function completionsRoute(ctx: ServerContext): Hono {
  const app = new Hono();
  app.post('/v1/completions', async (c) => {
    const prepared = await prepareWithMemo(c, ctx, memo, (body, headerId) => prepareCompletion(ctx, body, headerId), (p, headerId) => again(ctx, p, headerId));
    if (prepared.request.stream) return streamCompletions(c, ctx, prepared);
    return respondCompletion(c, ctx, prepared);
  });
  return app;
}

const memo = new RequestMemo<PreparedCompletion>();

/** A memoized preparation for this request: its own id, `created` and admission check. */
function again(ctx: ServerContext, p: PreparedCompletion, headerId: string | undefined): PreparedCompletion {
  checkAdmission(p.model);
  return { ...p, id: responseId('cmpl-', headerId, p.request.request_id), created: ctx.unixSeconds() };
}

async function respondCompletion(c: Context, ctx: ServerContext, p: PreparedCompletion): Promise<Response> {
  const summaries = await runToCompletion(c, p.model, p.prompts, p.params, p.request.priority ?? 0, p.request.cache_salt, p.id);
  if (!summaries) return new Response(null, { status: 499 });
  const choices = p.prompts.flatMap((planned, pi) => planned.plans.map((_, j) => completionChoice(ctx, p, pi, j)));
  const promptTokens = p.prompts.reduce((s, x) => s + x.promptIds.length, 0);
  const completionTokens = p.prompts.reduce((s, x) => s + x.plans.reduce((t, plan) => t + plan.tokenCount, 0), 0);
  const cached = summaries.reduce((s, x) => s + x.cachedTokens, 0);
  return c.json({
    id: p.id,
    object: 'text_completion',
    created: p.created,
    model: p.modelName,
    choices,
    service_tier: null,
    system_fingerprint: null,
    usage: usageOf(ctx, promptTokens, completionTokens, cached, true),
    kv_transfer_params: kvTransferResponse(ctx, p.transfer, p.prompts[0]?.promptIds ?? []),
  });
}

export function prepareCompletion(ctx: ServerContext, body: Record<string, unknown>, headerId: string | undefined): PreparedCompletion {
  const request = parseRequest(CompletionRequestSchema, body);
  checkCompletionRequest(request);
  const model = resolveModel(ctx, request.model);
  const contract = readOutputContract(model, body, false, ctx.rules);
  if (request.suffix !== null && request.suffix !== undefined && !ctx.settings.enableSuffix) throw errors.suffixUnsupported();
  if (request.best_of !== null && request.best_of !== undefined && request.best_of > 1) throw errors.bestOf();
  const idLists = promptIdLists(model, request);
  const requested = request.max_tokens === undefined ? 16 : request.max_tokens;
  const echoOnly = (request.echo ?? false) && requested === 0;
  let params: SamplingParams | null = null;
  const transfers: KvTransfer[] = [];
  const meter = new WorkMeter(); // one budget for the whole batch of prompts
  const prompts = idLists.map((ids) => {
    const maxTokens = effectiveMaxTokens(model, ids.length, echoOnly ? 1 : requested);
    const logprobs = request.logprobs ?? null;
    const p = toSamplingParams(request, maxTokens, logprobs, { maxLogprobs: ctx.settings.maxLogprobs, vocabSize: model.tokenizer.vocabSize });
    params ??= p;
    const transfer = readKvTransfer(model, body, ids.length);
    transfers.push(transfer);
    return planPrompt(ctx, model, ids, p, contract, loraOf(model, request.model), transfer.remotePrefillSeconds, meter);
  });
  if ((request.priority ?? 0) !== 0 && !ctx.settings.priorityScheduling) throw errors.priorityUnsupported();
  checkAdmission(model);
  const key = canonicalHash(prompts.map((x) => x.key));
  return {
    request,
    model,
    modelName: request.model || model.name,
    params: params as unknown as SamplingParams,
    prompts,
    promptTexts: idLists.map((ids) => model.tokenizer.decode(ids, false)),
    echoOnly,
    id: responseId('cmpl-', headerId, request.request_id),
    key,
    created: ctx.unixSeconds(),
    transfer: transfers[0] ?? NO_TRANSFER,
  };
}

function checkCompletionRequest(r: CompletionRequest): void {
  if (r.stream_options && Object.keys(r.stream_options).length > 0 && !r.stream) throw valueError('Stream options can only be defined when `stream=True`.');
  const pl = r.prompt_logprobs;
  if (pl !== null && pl !== undefined) {
    if (r.stream && (pl > 0 || pl === -1)) throw valueError('`prompt_logprobs` are not available when `stream=True`.');
    if (pl < 0 && pl !== -1) throw valueError('`prompt_logprobs` must be a positive value or -1.');
  }
  if (r.logprobs !== null && r.logprobs !== undefined && r.logprobs < 0) throw valueError('`logprobs` must be a positive value.');
  const p = r.prompt;
  const empty = p === null || p === undefined || p === '' || (Array.isArray(p) && (p.length === 0 || p.some((x) => x === '' || (Array.isArray(x) && x.length === 0))));
  if (empty && (r.prompt_embeds === null || r.prompt_embeds === undefined)) throw valueError('Either prompt or prompt_embeds must be provided and non-empty.');
  if (r.cache_salt !== null && r.cache_salt !== undefined && r.cache_salt === '') throw valueError("Parameter 'cache_salt' must be a non-empty string if provided.");
}

/** Normalises the four prompt shapes into token-id lists (text is tokenized with `add_special_tokens`, default true). */
function promptIdLists(model: ServedModel, r: CompletionRequest): number[][] {
  const p = r.suffix !== null && r.suffix !== undefined ? fimPrompt(model, r.prompt, r.suffix) : r.prompt;
  const add = r.add_special_tokens ?? true;
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
function fimPrompt(model: ServedModel, prompt: CompletionRequest['prompt'], suffix: string): string {
  if (typeof prompt !== 'string') throw errors.sampling('suffix needs a single text prompt', 'suffix');
  if (!hasFimTokens(model.tokenizer)) throw errors.sampling(`The model \`${model.name}\` has no fill-in-the-middle tokens, so suffix is not supported`, 'suffix');
  return fimPromptText(prompt, suffix);
}
