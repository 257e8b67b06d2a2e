/** @module Non-streaming chat completion body: every field vLLM serialises, nulls included, in pydantic field order. */
import type { ServerContext } from '../../serving/context.ts';
import type { PreparedChat } from './chat-prepare.ts';
import { usageOf } from './usage.ts';
import { kvTransferResponse } from '../../pipeline/kv-transfer.ts';
import type { ChatCompletion, ChatCompletionChoice } from './response-types.ts';
import { renderedChoiceLogprobs, renderedPromptLogprobs } from './chat-logprobs-render.ts';
import { stringifyWithRaw } from '../../protocol/raw-json.ts';

export function chatResponseBody(ctx: ServerContext, p: PreparedChat, cachedTokens: number): ChatCompletion {
  const { request, planned } = p;
  const named = typeof p.contract.tools?.mode === 'object';
  const choices: ChatCompletionChoice[] = planned.plans.map((plan, i) => ({
    index: i,
    message: {
      role: p.role,
      // vLLM returns null content when the model only called tools or only thought.
      content: plan.text === '' && (plan.toolCalls.length > 0 || plan.reasoning) ? null : (p.echoText ?? '') + plan.text,
      refusal: null,
      annotations: null,
      audio: null,
      function_call: null,
      tool_calls: plan.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.text } })),
      reasoning: plan.reasoning?.text ?? null,
      reasoning_content: plan.reasoning?.text ?? null,
    },
    // Rendered by the preparation (chat-logprobs-render.ts): a non-streamed body always comes with them.
    logprobs: planned.logprobs ? renderedChoiceLogprobs(p.rendered, i) : null,
    // A named tool choice keeps "stop" when not streaming (vLLM quirk); streaming reports "tool_calls".
    finish_reason: named && plan.finishReason === 'tool_calls' ? 'stop' : plan.finishReason,
    stop_reason: plan.stopReason,
    token_ids: request.return_token_ids ? plan.tokenIds : null,
  }));
  const completion = planned.plans.reduce((sum, plan) => sum + plan.tokenCount, 0);
  // Rendered by the preparation too (null when not asked).
  const promptLogprobs = renderedPromptLogprobs(p.rendered);
  return {
    id: p.id,
    object: 'chat.completion',
    created: p.created,
    model: p.modelName,
    choices,
    service_tier: null,
    system_fingerprint: null,
    usage: usageOf(ctx, planned.promptIds.length, completion, cachedTokens, true),
    prompt_logprobs: promptLogprobs,
    prompt_token_ids: request.return_token_ids ? planned.promptIds : null,
    kv_transfer_params: kvTransferResponse(ctx, p.transfer, planned.promptIds),
  };
}

/**
 * The body as JSON text, byte for byte `JSON.stringify(chatResponseBody(...))`. The common shape (text-only choices:
 * no logprobs, tools, reasoning, token ids or KV transfer) is written into a template with only the variable parts
 * escaped: serialising the whole object was the largest single cost of a small request.
 */
export function chatResponseJson(ctx: ServerContext, p: PreparedChat, cachedTokens: number): string {
  const { request, planned } = p;
  const plain =
    planned.logprobs === null &&
    p.params.promptLogprobs === null &&
    !request.return_token_ids &&
    !p.transfer.prefill &&
    planned.plans.every((plan) => plan.toolCalls.length === 0 && plan.reasoning === null);
  if (!plain) return stringifyWithRaw(chatResponseBody(ctx, p, cachedTokens));
  const role = JSON.stringify(p.role);
  const named = typeof p.contract.tools?.mode === 'object';
  let choices = '';
  let completion = 0;
  for (let i = 0; i < planned.plans.length; i++) {
    const plan = planned.plans[i] as (typeof planned.plans)[number];
    completion += plan.tokenCount;
    if (i > 0) choices += ',';
    const finish = named && plan.finishReason === 'tool_calls' ? 'stop' : plan.finishReason;
    choices +=
      `{"index":${i},"message":{"role":${role},"content":${JSON.stringify((p.echoText ?? '') + plan.text)},"refusal":null,` +
      `"annotations":null,"audio":null,"function_call":null,"tool_calls":[],"reasoning":null,"reasoning_content":null},"logprobs":null,` +
      `"finish_reason":${JSON.stringify(finish)},"stop_reason":${JSON.stringify(plan.stopReason)},"token_ids":null}`;
  }
  const usage = usageJson(ctx, planned.promptIds.length, completion, cachedTokens);
  return (
    `{"id":${JSON.stringify(p.id)},"object":"chat.completion","created":${p.created},"model":${JSON.stringify(p.modelName)},` +
    `"choices":[${choices}],"service_tier":null,"system_fingerprint":null,"usage":${usage},"prompt_logprobs":null,"prompt_token_ids":null,` +
    `"kv_transfer_params":null}`
  );
}

/** `JSON.stringify(usageOf(ctx, prompt, completion, cached, true))`, written out: the counts are integers. */
function usageJson(ctx: ServerContext, prompt: number, completion: number, cached: number): string {
  const details = ctx.settings.enablePromptTokensDetails && cached > 0 ? `{"cached_tokens":${cached}}` : 'null';
  return `{"prompt_tokens":${prompt},"total_tokens":${prompt + completion},"completion_tokens":${completion},"prompt_tokens_details":${details}}`;
}
