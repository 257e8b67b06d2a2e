/**
 * @module The pure half of `POST /v1/chat/completions`: validate (vLLM order and wording), template, tokenize, plan.
 * Reads only the preparation environment and the body, so it runs in a preparation worker or on the engine's thread
 * with the same result (pipeline/prepare.ts).
 */
import { resolveModel, loraOf, type PrepareEnv, type PrepModel } from '../../serving/context.ts';
import { requestTemplate, type RequestTemplate } from '../../scenario/safety.ts';
import { ChatCompletionRequestSchema, type ChatCompletionRequest } from '../../protocol/chat.ts';
import { parseRequest } from '../../protocol/fields.ts';
import { checkCacheSalt, checkStreamFields } from '../../protocol/request-checks.ts';
import { checkToolUsage } from '../../protocol/openai-tools.ts';
import { checkResponseFormat } from '../../protocol/response-format.ts';
import { checkStructuredOutputsCount } from '../../protocol/structured-outputs.ts';
import { errors, valueError } from '../../protocol/errors.ts';
import { toSamplingParams, type SamplingParams } from '../../protocol/sampling.ts';
import { effectiveMaxTokens, planPrompt, withPrefixHashes, type PlannedPrompt } from '../../pipeline/plan-prompt.ts';
import { chatIntent } from './output-intent.ts';
import { readOutputContract, type OutputContract } from '../../pipeline/output-contract.ts';
import { chatPromptIds as renderedPromptIds, truncatePrompt } from '../../pipeline/prompt.ts';
import { contentText } from '../../protocol/content-parts.ts';
import { readKvTransfer, type KvTransfer, type KvTransferAsk } from '../../pipeline/kv-transfer.ts';
import type { Served } from '../../pipeline/prepare-wire.ts';
import { checkPromptCanFit } from '../../pipeline/size-checks.ts';
import { checkToolChoiceAccess, effectiveToolChoice } from './tools-access.ts';
import { renderChatLogprobs, type RenderedChatLogprobs } from './chat-logprobs-render.ts';

/** The preparation job kind of this route's preparation (dialects/prepare-jobs.ts). */
export const CHAT_JOB = 'openai.chat';

export interface PlannedChat {
  readonly request: ChatCompletionRequest;
  readonly model: PrepModel;
  readonly params: SamplingParams;
  readonly planned: PlannedPrompt;
  /** Echoed `model`: the name the client asked for, or the first served name. */
  readonly modelName: string;
  /** Role of the reply: `assistant`, or the last message's role when `add_generation_prompt` is false. */
  readonly role: string;
  /** Text prepended by `echo` (last message content when it has the reply's role). */
  readonly echoText: string | null;
  readonly contract: OutputContract;
  readonly ask: KvTransferAsk;
  /** Not streamed: its logprobs and prompt logprobs as JSON text, rendered here (a worker; chat-logprobs-render.ts). */
  readonly rendered: RenderedChatLogprobs | null;
}

/** A chat request ready for the engine (chat-completions.ts adds, on the engine's thread, the id, `created` and P/D transfer). */
export interface PreparedChat extends Served<PlannedChat> {
  readonly id: string;
  readonly created: number;
  readonly transfer: KvTransfer;
}

export function planChat(env: PrepareEnv, body: Record<string, unknown>): PlannedChat {
  // vLLM's `mode="before"` validators of these fields read the raw body ahead of the field check.
  checkToolUsage(body);
  checkResponseFormat(body);
  checkStructuredOutputsCount(body);
  const request = parseRequest(ChatCompletionRequestSchema, body);
  checkChatRequest(request);
  const model = resolveModel(env, request.model);
  const contract = readOutputContract(model, chatIntent(request, model.toolParser), env.rules);
  // vLLM checks tool access after the request validates and the model is found, before the template renders.
  checkToolChoiceAccess(model.toolParser, effectiveToolChoice(request));
  const addGenerationPrompt = request.add_generation_prompt ?? true;
  checkPromptCanFit(model, request.messages);
  let promptIds = chatPromptIds(
    model,
    request,
    templateTools(request, body),
    addGenerationPrompt,
    requestTemplate(env.settings.safety, request.chat_template, request.chat_template_kwargs),
  );
  promptIds = truncatePrompt(model, promptIds, request.truncate_prompt_tokens);
  const maxTokens = effectiveMaxTokens(model, promptIds.length, request.max_completion_tokens ?? request.max_tokens);
  const logprobs = request.logprobs ? (request.top_logprobs ?? 0) : null;
  const params = toSamplingParams(request, maxTokens, logprobs, { maxLogprobs: env.settings.maxLogprobs, vocabSize: model.tokenizer.vocabSize });
  if ((request.priority ?? 0) !== 0 && !model.priorityScheduling) throw errors.priorityUnsupported();
  const ask = readKvTransfer(request.kv_transfer_params);
  const planned = withPrefixHashes(model, planPrompt(env, model, promptIds, params, contract, loraOf(model, request.model)), request.cache_salt);
  const last = request.messages[request.messages.length - 1];
  const role = addGenerationPrompt ? 'assistant' : (last?.role ?? 'assistant');
  const echoText = request.echo && last && last.role === role ? contentText(last.content) : null;
  const asIds = request.return_tokens_as_token_ids ?? false;
  const rendered = request.stream ? null : renderChatLogprobs(env, model.tokenizer, planned, params, asIds);
  // Logprobs rendered for every choice are not sent back (~5 M small objects at the work cap, cloned on the engine's
  // thread): only that there are some.
  const sent = rendered?.choices ? { ...planned, logprobs: planned.plans.map(() => []) } : planned;
  return { request, model, params, planned: sent, modelName: request.model || model.name, role, echoText, contract, ask, rendered };
}

/** Template + tokenize (cached per model for identical conversations and options). */
function chatPromptIds(
  model: PrepModel,
  request: ChatCompletionRequest,
  tools: readonly unknown[] | null,
  addGenerationPrompt: boolean,
  template: RequestTemplate,
): number[] {
  const options = {
    ...template,
    addGenerationPrompt,
    continueFinalMessage: request.continue_final_message ?? false,
    tools,
    documents: request.documents ?? null,
    kwargs: request.chat_template_kwargs ?? null,
  };
  return renderedPromptIds(model, request.messages, options, request.add_special_tokens ?? false);
}

/**
 * The tools as the client sent them, key order and all: what the template has always rendered (and /tokenize
 * renders), where the parsed copy lists its fields in schema order. The schema has checked them.
 */
function templateTools(request: ChatCompletionRequest, body: Record<string, unknown>): readonly unknown[] | null {
  return request.tools ? (body['tools'] as readonly unknown[]) : null;
}

/** The chat request's pydantic `model_validator`s, in vLLM's wording ("Bad Request" envelope). */
function checkChatRequest(r: ChatCompletionRequest): void {
  checkStreamFields(r);
  const tl = r.top_logprobs;
  if (tl !== null && tl !== undefined) {
    if (tl < 0 && tl !== -1) throw valueError('`top_logprobs` must be a positive value or -1.');
    if ((tl === -1 || tl > 0) && !r.logprobs) throw valueError('when using `top_logprobs`, `logprobs` must be set to true.');
  }
  if (r.continue_final_message && r.add_generation_prompt) throw valueError('Cannot set both `continue_final_message` and `add_generation_prompt` to True.');
  checkCacheSalt(r);
}
