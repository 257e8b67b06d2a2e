/**
 * @module Anthropic `POST /v1/messages` and `/v1/messages/count_tokens` as vLLM serves them: the same planner and engine,
 * `chatcmpl-` ids, content blocks (thinking, text, tool_use), `event:`-framed streams without `ping` and with vLLM's
 * trailing `data: [DONE]`, errors as `{"type":"error","error":{...}}`.
 */
import { Hono, type Context } from 'hono';
import { createHash } from 'node:crypto';
import type { ServerContext } from '../../serving/context.ts';
import { SSE_CONTENT_TYPE } from '../../http/stream-writer.ts';
import { checkAdmission, runToCompletion, singleRun } from '../../pipeline/engine-run.ts';
import { streamEngine } from '../../pipeline/engine-stream.ts';
import { responseId } from '../../pipeline/plan-prompt.ts';
import { header } from '../../http/headers.ts';
import { parsedArguments } from '../../pipeline/conversation.ts';
import { prepareBody } from '../../pipeline/prepare.ts';
import type { AnthropicMessage, ContentBlock, StopReason } from './response-types.ts';
import type { Served } from '../../pipeline/prepare-wire.ts';
import { channelLength, visibleLength, type ChoicePlan, visibleDelta } from '../../generate/plan.ts';
import { ANTHROPIC_COUNT_JOB, ANTHROPIC_MESSAGES_JOB, countTokens, planMessages, type PlannedMessages } from './prepare.ts';
import type { AppEnv } from '../../http/request-env.ts';

type Body = Record<string, unknown>;

interface Job extends Served<PlannedMessages> {
  readonly id: string;
}

export function anthropicRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/v1/messages/count_tokens', async (c) => {
    const counted = await prepareBody(c, ctx, ANTHROPIC_COUNT_JOB, countTokens, { generation: false });
    return c.json({ input_tokens: counted.inputTokens });
  });
  app.post('/v1/messages', async (c) => {
    const prepared = await prepareBody(c, ctx, ANTHROPIC_MESSAGES_JOB, planMessages);
    checkAdmission(prepared.model);
    const job: Job = { ...prepared, id: responseId('chatcmpl-', header(c, 'x-request-id'), undefined) };
    if (job.stream) return stream(c, job);
    const summaries = await runToCompletion(c, singleRun(job, job.id));
    if (!summaries) return new Response(null, { status: 499 });
    const plan = job.planned.plans[0] as ChoicePlan;
    const message: AnthropicMessage = {
      id: job.id,
      type: 'message',
      role: 'assistant',
      content: blocks(plan),
      model: job.name,
      stop_reason: stopReason(plan),
      usage: { input_tokens: job.planned.promptIds.length, output_tokens: plan.tokenCount },
    };
    return c.json(message);
  });
  return app;
}

function stopReason(plan: ChoicePlan): StopReason {
  // A tool call cut by max_tokens is `max_tokens` (vLLM maps finish_reason `length` first), not `tool_use`.
  return plan.finishReason === 'length' ? 'max_tokens' : plan.toolCalls.length > 0 ? 'tool_use' : 'end_turn';
}

function signature(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function blocks(plan: ChoicePlan): ContentBlock[] {
  const out: ContentBlock[] = [];
  if (plan.reasoning) out.push({ type: 'thinking', thinking: plan.reasoning.text, signature: signature(plan.reasoning.text) });
  if (plan.text || plan.toolCalls.length === 0) out.push({ type: 'text', text: plan.text });
  for (const call of plan.toolCalls) out.push({ type: 'tool_use', id: call.id, name: call.name, input: parsedArguments(call.text) });
  return out;
}

function stream(c: Context, job: Job): Response {
  const plan = job.planned.plans[0] as ChoicePlan;
  const total = plan.tokenCount;
  const ev = (name: string, data: Body): string => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
  const input = job.planned.promptIds.length;
  let index = -1;
  let open: string | null = null;
  let toolsOpened = 0;
  const start = (key: string, block: Body): string => {
    let out = open !== null ? ev('content_block_stop', { index }) : '';
    index++;
    open = key;
    out += ev('content_block_start', { index, content_block: block });
    return out;
  };
  const step = (from: number, upTo: number): string => {
    let out = '';
    if (plan.reasoning) {
      const d = plan.reasoning.text.slice(channelLength(plan.reasoning, from, total), channelLength(plan.reasoning, upTo, total));
      if (d && open !== 'thinking') out += start('thinking', { type: 'thinking', thinking: '' });
      if (d) out += ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: d } });
      if (
        open === 'thinking' &&
        channelLength(plan.reasoning, upTo, total) === plan.reasoning.text.length &&
        (upTo === total || plan.text.slice(0, visibleLength(plan, upTo)) || plan.toolCalls.some((t) => t.firstToken < upTo))
      ) {
        out += ev('content_block_delta', { index, delta: { type: 'signature_delta', signature: signature(plan.reasoning.text) } });
      }
    }
    const t = visibleDelta(plan, from, upTo);
    if (t && open !== 'text') out += start('text', { type: 'text', text: '' });
    if (t) out += ev('content_block_delta', { index, delta: { type: 'text_delta', text: t } });
    // Tool calls come one after another: each gets one block, opened when its first token is out; a call whose block
    // was closed by the next one never reopens.
    plan.toolCalls.forEach((call, i) => {
      if (call.firstToken >= upTo || i < toolsOpened - 1) return;
      if (i >= toolsOpened) {
        out += start(`tool${i}`, { type: 'tool_use', id: call.id, name: call.name, input: {} });
        toolsOpened = i + 1;
      }
      const d = call.text.slice(channelLength(call, from, total), channelLength(call, upTo, total));
      if (d) out += ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: d } });
    });
    return out;
  };
  return streamEngine(c, singleRun(job, job.id), {
    contentType: SSE_CONTENT_TYPE,
    opening: ev('message_start', {
      message: {
        id: job.id,
        type: 'message',
        role: 'assistant',
        content: [],
        model: job.name,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: input, output_tokens: 0 },
      },
    }),
    step: (_prompt, _seq, from, upTo) => step(from, upTo),
    last() {
      let out = open === null ? start('text', { type: 'text', text: '' }) : '';
      out += ev('content_block_stop', { index });
      out += ev('message_delta', { delta: { stop_reason: stopReason(plan) }, usage: { input_tokens: input, output_tokens: total } });
      return `${out}${ev('message_stop', {})}data: [DONE]\n\n`;
    },
  });
}
