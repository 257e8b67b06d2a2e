/**
 * @module Chat completion SSE stream, byte-for-byte as vLLM: role chunks released with the first token, one chunk per
 * engine step per choice, finish on the chunk carrying the last delta, usage chunk only when asked, `data: [DONE]`.
 * Frames are pre-rendered per request; only the delta is escaped per step.
 */
import type { ServerContext } from '../../serving/context.ts';
import type { PreparedChat } from './chat-prepare.ts';
import { SSE_CONTENT_TYPE } from '../../http/stream-writer.ts';
import { channelLength, type ChoicePlan, visibleDelta } from '../../generate/plan.ts';
import { chatLogprobs } from './logprob-format.ts';
import { streamEngine } from '../../pipeline/engine-stream.ts';
import type { EngineRun } from '../../pipeline/engine-run.ts';
import { usageOf } from './usage.ts';
import type { AppContext } from '../../http/request-env.ts';

export const DONE_FRAME = 'data: [DONE]\n\n';
const PLAIN_TAIL = ',"logprobs":null,"finish_reason":null,"token_ids":null}]}\n\n';

export function streamChat(c: AppContext, ctx: ServerContext, p: PreparedChat, run: EngineRun): Response {
  const { request, planned, model } = p;
  const n = planned.plans.length;
  const includeUsage = request.stream_options ? (request.stream_options.include_usage ?? true) : false;
  const continuous = includeUsage && (request.stream_options?.continuous_usage_stats ?? false);
  const returnIds = request.return_token_ids ?? false;
  const asIds = request.return_tokens_as_token_ids ?? false;
  const promptLen = planned.promptIds.length;
  const head = `data: {"id":${JSON.stringify(p.id)},"object":"chat.completion.chunk","created":${p.created},"model":${JSON.stringify(p.modelName)},"choices":[`;
  let completionSoFar = 0;
  let started = false;

  const usageField = (choiceTokens: number): string =>
    continuous ? `,"usage":${JSON.stringify({ prompt_tokens: promptLen, total_tokens: promptLen + choiceTokens, completion_tokens: choiceTokens })}` : '';

  const roleChunks = (): string => {
    let out = '';
    const promptIds = returnIds ? JSON.stringify(planned.promptIds) : 'null';
    for (let i = 0; i < n; i++) {
      out +=
        `${head}{"index":${i},"delta":{"role":${JSON.stringify(p.role)},"content":""},"logprobs":null,"finish_reason":null}]${usageField(0)},` +
        `"prompt_token_ids":${promptIds}}\n\n`;
    }
    if (p.echoText !== null) {
      for (let i = 0; i < n; i++)
        out += `${head}{"index":${i},"delta":{"content":${JSON.stringify(p.echoText)}},"logprobs":null,"finish_reason":null}]${usageField(0)}}\n\n`;
    }
    return out;
  };

  // A mid-stream chunk without logprobs, token ids or per-chunk usage ends the same way every time.
  const plainFrames = !planned.logprobs && !returnIds && !continuous;
  const fullFrame = (seq: number, plan: ChoicePlan, from: number, upTo: number, finished: boolean, delta: string): string => {
    const logprobs = planned.logprobs
      ? `{"content":${JSON.stringify(chatLogprobs(model.tokenizer, (planned.logprobs[seq] ?? []).slice(from, upTo), asIds))}}`
      : 'null';
    const finish = finished ? `"finish_reason":${JSON.stringify(plan.finishReason)},"stop_reason":${JSON.stringify(plan.stopReason)}` : '"finish_reason":null';
    const tokenIds = returnIds ? JSON.stringify(plan.tokenIds.slice(from, upTo)) : 'null';
    return `${head}{"index":${seq},"delta":${delta},"logprobs":${logprobs},${finish},"token_ids":${tokenIds}}]${usageField(upTo)}}\n\n`;
  };

  return streamEngine(c, run, {
    contentType: SSE_CONTENT_TYPE,
    step(_prompt, seq, from, upTo, finished) {
      const plan = planned.plans[seq] as ChoicePlan;
      completionSoFar += upTo - from;
      const delta = stepDelta(plan, from, upTo, finished);
      // vLLM releases the role chunks with the engine's first output, even if the parser holds the text back.
      const roles = started ? '' : roleChunks();
      started = true;
      if (delta === null) return roles;
      return roles + (plainFrames && !finished ? `${head}{"index":${seq},"delta":${delta}${PLAIN_TAIL}` : fullFrame(seq, plan, from, upTo, finished, delta));
    },
    last([summary]) {
      const usage = includeUsage ? `${head}],"usage":${JSON.stringify(usageOf(ctx, promptLen, completionSoFar, summary.cachedTokens, false))}}\n\n` : '';
      return usage + DONE_FRAME;
    },
  });
}

/**
 * The delta JSON for tokens (from, upTo] of one choice: reasoning, content and tool-call fragments that became visible.
 * Null means "no chunk" (a tool parser that has nothing to report yet); plain text always gets a chunk, maybe `""`.
 */
export function stepDelta(plan: ChoicePlan, from: number, upTo: number, finished: boolean): string | null {
  // Plain text (the common case) needs none of the channel bookkeeping below.
  if (plan.reasoning === null && plan.toolCalls.length === 0) return `{"content":${JSON.stringify(visibleDelta(plan, from, upTo))}}`;
  const total = plan.tokenCount;
  const parts: string[] = [];
  if (plan.reasoning) {
    const r = plan.reasoning.text.slice(channelLength(plan.reasoning, from, total), channelLength(plan.reasoning, upTo, total));
    if (r) parts.push(`"reasoning":${JSON.stringify(r)},"reasoning_content":${JSON.stringify(r)}`);
  }
  const content = visibleDelta(plan, from, upTo);
  const calls: string[] = [];
  plan.toolCalls.forEach((call, index) => {
    if (call.firstToken >= upTo) return;
    const args = call.text.slice(channelLength(call, from, total), channelLength(call, upTo, total));
    if (call.firstToken >= from)
      calls.push(
        `{"id":${JSON.stringify(call.id)},"type":"function","index":${index},"function":{"name":${JSON.stringify(call.name)},` +
          `"arguments":${JSON.stringify(args)}}}`,
      );
    else if (args) calls.push(`{"index":${index},"function":{"arguments":${JSON.stringify(args)}}}`);
  });
  if (content || (plan.toolCalls.length === 0 && parts.length === 0)) parts.push(`"content":${JSON.stringify(content)}`);
  if (calls.length > 0) parts.push(`"tool_calls":[${calls.join(',')}]`);
  if (parts.length === 0) {
    if (!finished) return null;
    if (plan.toolCalls.length > 0) return `{"tool_calls":[{"index":${plan.toolCalls.length - 1},"function":{"arguments":""}}]}`;
    return '{"content":""}';
  }
  return `{${parts.join(',')}}`;
}
