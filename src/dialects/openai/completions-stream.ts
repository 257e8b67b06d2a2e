/** @module Completions SSE stream as vLLM: no role chunk, every choice field present (`"usage":null` too), echo in the first chunk, usage only when asked. */
import type { Context } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import type { PreparedCompletion } from './completions.ts';
import type { EngineHandle } from '../../engine/types.ts';
import { openStream } from '../../http/sse-writer.ts';
import { submitArrival } from '../../http/json-body.ts';
import { dataParallelRankOf } from '../../http/request-scope.ts';
import { visibleDelta } from '../../generate/plan.ts';
import { completionLogprobs, concatLogprobs, echoLogprobs, plannedPromptLogprobs, promptLogprobsK } from './logprob-format.ts';
import { submitPrompt } from '../../pipeline/engine-run.ts';
import { usageOf } from './usage.ts';
import { SSE_CONTENT_TYPE, DONE_FRAME } from './chat-stream.ts';

export function streamCompletions(c: Context, ctx: ServerContext, p: PreparedCompletion): Response {
  const { request, model } = p;
  const includeUsage = request.stream_options ? (request.stream_options.include_usage ?? true) : false;
  const continuous = includeUsage && (request.stream_options?.continuous_usage_stats ?? false);
  const returnIds = request.return_token_ids ?? false;
  const asIds = request.return_tokens_as_token_ids ?? false;
  const echo = request.echo ?? false;
  const head = `data: {"id":${JSON.stringify(p.id)},"object":"text_completion","created":${p.created},"model":${JSON.stringify(p.modelName)},"choices":[`;
  const handles: EngineHandle[] = [];
  const { writer, response } = openStream(c, { contentType: SSE_CONTENT_TYPE, onDisconnect: () => handles.forEach((h) => h.abort()) });
  let promptsLeft = p.prompts.length;
  let promptTokens = 0;
  let completionTokens = 0;
  let cached = 0;
  let wrote = false;

  p.prompts.forEach((planned, pi) => {
    const n = planned.plans.length;
    const released = new Array<number>(n).fill(0);
    const offsets = new Array<number>(n).fill(0);
    const promptText = echo ? (p.promptTexts[pi] ?? '') : '';
    const echoed = echo && planned.logprobs ? echoLogprobs(model.tokenizer, planned.promptIds, plannedPromptLogprobs(ctx, model.tokenizer, planned, Math.max(0, p.params.logprobs ?? 0, promptLogprobsK(ctx, p.params) ?? 0)), 0, asIds) : null;
    promptTokens += planned.promptIds.length;
    handles.push(
      submitPrompt(model, planned, p.params, request.priority ?? 0, request.cache_salt, {
        onTokens(seq, upTo, finished) {
          if (writer.closed) return;
          const plan = planned.plans[seq]!;
          const from = released[seq]!;
          released[seq] = upTo;
          completionTokens += upTo - from;
          let text = p.echoOnly ? '' : visibleDelta(plan, from, upTo);
          if (from === 0 && echo) text = promptText + text;
          let logprobs = 'null';
          if (planned.logprobs) {
            const start = offsets[seq]! + (from === 0 ? promptText.length : 0);
            const generated = completionLogprobs(model.tokenizer, p.echoOnly ? [] : (planned.logprobs[seq] ?? []).slice(from, upTo), start, asIds);
            // The echoed prompt's logprobs travel with it in the first chunk, as vLLM streams them.
            logprobs = JSON.stringify(from === 0 && echoed ? concatLogprobs(echoed, generated) : generated);
          }
          offsets[seq] = offsets[seq]! + text.length;
          const usage = continuous
            ? JSON.stringify({ prompt_tokens: planned.promptIds.length, total_tokens: planned.promptIds.length + upTo, completion_tokens: upTo })
            : 'null';
          const finish = finished ? `"finish_reason":${JSON.stringify(plan.finishReason)},"stop_reason":${JSON.stringify(plan.stopReason)}` : '"finish_reason":null,"stop_reason":null';
          const promptIds = returnIds && from === 0 ? JSON.stringify(planned.promptIds) : 'null';
          const tokenIds = returnIds ? JSON.stringify(plan.tokenIds.slice(from, upTo)) : 'null';
          // The stream's first chunk leaves at once (its time to first token must not wait for the rest of the step).
          writer.write(`${head}{"index":${pi * n + seq},"text":${JSON.stringify(text)},"logprobs":${logprobs},${finish},"prompt_token_ids":${promptIds},"token_ids":${tokenIds}}],"usage":${usage}}\n\n`, !wrote);
          wrote = true;
        },
        onFinished(summary) {
          cached += summary.cachedTokens;
          if (--promptsLeft > 0) return;
          let tail = '';
          if (includeUsage) {
            const usage = usageOf(ctx, promptTokens, completionTokens, cached, false);
            tail += `data: {"id":${JSON.stringify(p.id)},"object":"text_completion","created":${p.created},"model":${JSON.stringify(p.modelName)},"choices":[],"usage":${JSON.stringify(usage)}}\n\n`;
          }
          writer.end(tail + DONE_FRAME);
        },
      }, p.prompts.length > 1 ? `${p.id}-${pi}` : p.id, submitArrival(c), dataParallelRankOf(c)),
    );
  });
  return response;
}
