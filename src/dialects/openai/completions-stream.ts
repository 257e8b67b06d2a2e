/** @module Completions SSE stream as vLLM: no role chunk, every choice field present (`"usage":null` too), echo in the first chunk, usage only when asked. */
import type { ServerContext } from '../../serving/context.ts';
import type { PreparedCompletion } from './completion-prepare.ts';
import { SSE_CONTENT_TYPE } from '../../http/stream-writer.ts';
import { visibleDelta } from '../../generate/plan.ts';
import { completionLogprobs } from './logprob-format.ts';
import { legacyLogprobsText } from './prompt-logprobs-render.ts';
import { streamEngine } from '../../pipeline/engine-stream.ts';
import type { EngineRun } from '../../pipeline/engine-run.ts';
import { usageOf } from './usage.ts';
import { DONE_FRAME } from './chat-stream.ts';
import type { AppContext } from '../../http/request-env.ts';

export function streamCompletions(c: AppContext, ctx: ServerContext, p: PreparedCompletion, run: EngineRun): Response {
  const { request, model } = p;
  const includeUsage = request.stream_options ? (request.stream_options.include_usage ?? true) : false;
  const continuous = includeUsage && (request.stream_options?.continuous_usage_stats ?? false);
  const returnIds = request.return_token_ids ?? false;
  const asIds = request.return_tokens_as_token_ids ?? false;
  const echo = request.echo ?? false;
  const head = `data: {"id":${JSON.stringify(p.id)},"object":"text_completion","created":${p.created},"model":${JSON.stringify(p.modelName)},"choices":[`;
  let completionTokens = 0;
  // Per prompt: characters of text sent per choice (legacy logprobs' text offsets), the echoed text and its logprobs.
  const offsets = p.prompts.map((planned) => new Array<number>(planned.plans.length).fill(0));
  const promptTexts = p.prompts.map((_, pi) => (echo ? (p.promptTexts[pi] ?? '') : ''));
  // The echoed prompt's logprobs come rendered from the preparation (prompt-logprobs-render.ts).
  const echoed = p.prompts.map((planned, pi) => (echo && planned.logprobs ? (p.rendered[pi]?.echo ?? null) : null));
  const promptTokens = p.prompts.reduce((sum, planned) => sum + planned.promptIds.length, 0);

  return streamEngine(c, run, {
    contentType: SSE_CONTENT_TYPE,
    step(pi, seq, from, upTo, finished) {
      const planned = p.prompts[pi]!;
      const plan = planned.plans[seq]!;
      const promptText = promptTexts[pi]!;
      const offset = offsets[pi]!;
      completionTokens += upTo - from;
      let text = p.echoOnly ? '' : visibleDelta(plan, from, upTo);
      if (from === 0 && echo) text = promptText + text;
      let logprobs = 'null';
      if (planned.logprobs) {
        const start = offset[seq]! + (from === 0 ? promptText.length : 0);
        const generated = completionLogprobs(model.tokenizer, p.echoOnly ? [] : (planned.logprobs[seq] ?? []).slice(from, upTo), start, asIds);
        // The echoed prompt's logprobs travel with it in the first chunk, as vLLM streams them.
        const first = echoed[pi];
        logprobs = legacyLogprobsText(from === 0 ? first : null, generated);
      }
      offset[seq] = offset[seq]! + text.length;
      const usage = continuous
        ? JSON.stringify({ prompt_tokens: planned.promptIds.length, total_tokens: planned.promptIds.length + upTo, completion_tokens: upTo })
        : 'null';
      const finish = finished
        ? `"finish_reason":${JSON.stringify(plan.finishReason)},"stop_reason":${JSON.stringify(plan.stopReason)}`
        : '"finish_reason":null,"stop_reason":null';
      const promptIds = returnIds && from === 0 ? JSON.stringify(planned.promptIds) : 'null';
      const tokenIds = returnIds ? JSON.stringify(plan.tokenIds.slice(from, upTo)) : 'null';
      return (
        `${head}{"index":${pi * planned.plans.length + seq},"text":${JSON.stringify(text)},"logprobs":${logprobs},${finish},` +
        `"prompt_token_ids":${promptIds},"token_ids":${tokenIds}}],"usage":${usage}}\n\n`
      );
    },
    last(summaries) {
      const cached = summaries.reduce((sum, s) => sum + s.cachedTokens, 0);
      const usage = includeUsage ? `${head}],"usage":${JSON.stringify(usageOf(ctx, promptTokens, completionTokens, cached, false))}}\n\n` : '';
      return usage + DONE_FRAME;
    },
  });
}
