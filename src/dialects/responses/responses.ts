/**
 * @module `POST /v1/responses` and `GET /v1/responses/{id}` on the shared planner and engine: named SSE events with a
 * `sequence_number` and no `[DONE]`, in the order of protocol.md A.12; stored responses in a bounded map.
 */
import { Hono, type Context } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import { resolveModel } from '../../serving/context.ts';
import { ApiError } from '../../protocol/errors.ts';
import { readJsonObject, submitArrival } from '../../http/json-body.ts';
import { dataParallelRankOf } from '../../http/request-scope.ts';
import { openStream } from '../../http/sse-writer.ts';
import { checkAdmission, runToCompletion, submitPrompt } from '../../pipeline/engine-run.ts';
import { responseId } from '../../pipeline/plan-prompt.ts';
import { header } from '../../http/headers.ts';
import { planConversation, type ConversationJob } from '../../pipeline/conversation.ts';
import { channelLength, type ChoicePlan, visibleDelta } from '../../generate/plan.ts';
import { toChat } from './convert.ts';
import { parseWith } from '../../protocol/fields.ts';
import { ResponsesRequestSchema } from '../../protocol/responses.ts';
import { outputItems, responseObject, usageOf, messageItem, reasoningItem, callItem, textPart, type ItemIds } from './items.ts';

type Body = Record<string, unknown>;

interface Job extends ConversationJob {
  readonly r: Body;
  readonly id: string;
  readonly ids: ItemIds;
  readonly createdAt: number;
}

export function responsesRoute(ctx: ServerContext): Hono {
  const app = new Hono();
  const stored = new Map<string, Body>();
  const store = (id: string, response: Body): void => {
    stored.set(id, response);
    if (stored.size > 1000) stored.delete(stored.keys().next().value as string);
  };
  app.post('/v1/responses', async (c) => {
    const job = prepare(ctx, parseWith(ResponsesRequestSchema, await readJsonObject(c)) as Body, header(c, 'x-request-id'));
    if (job.r['stream'] === true) return stream(c, ctx, job, store);
    const summaries = await runToCompletion(c, job.model, [job.planned], job.params, 0, null, job.id);
    if (!summaries) return new Response(null, { status: 499 });
    const response = finished(job, summaries[0]?.cachedTokens ?? 0);
    if (job.r['store'] !== false) store(job.id, response);
    return c.json(response);
  });
  app.get('/v1/responses/:id', (c) => {
    const hit = stored.get(c.req.param('id'));
    if (!hit) throw new ApiError(404, 'invalid_request_error', `Response with id '${c.req.param('id')}' not found.`, 'response_id');
    return c.json(hit);
  });
  return app;
}

function prepare(ctx: ServerContext, r: Body, headerId: string | undefined): Job {
  const { body } = toChat(r);
  const model = resolveModel(ctx, typeof r['model'] === 'string' ? r['model'] : null);
  checkAdmission(model);
  const maxTokens = typeof r['max_output_tokens'] === 'number' ? r['max_output_tokens'] : null;
  const { planned, params } = planConversation(ctx, model, body, { maxTokens, sampling: { temperature: r['temperature'] as number | undefined, top_p: r['top_p'] as number | undefined } });
  const id = responseId('resp_', headerId, typeof r['request_id'] === 'string' ? r['request_id'] : undefined);
  // Item ids follow the response id (its unique tail), so they are unique per request too.
  const hex = id.slice(5).slice(-24);
  return { r, model, planned, params, id, createdAt: ctx.unixSeconds(), ids: { message: `msg_${hex}`, reasoning: `rs_${hex}`, call: (i) => `fc_${hex}${i}` } };
}

function finished(job: Job, cached: number): Body {
  const plan = job.planned.plans[0] as ChoicePlan;
  const incomplete = plan.finishReason === 'length';
  return responseObject(job.r, { id: job.id, model: job.model.name, createdAt: job.createdAt, status: incomplete ? 'incomplete' : 'completed', output: outputItems(plan, job.ids, incomplete ? 'incomplete' : 'completed'), usage: usageOf(job.planned.promptIds.length, cached, plan), maxOutputTokens: job.params.maxTokens, incomplete });
}

function stream(c: Context, ctx: ServerContext, job: Job, store: (id: string, r: Body) => void): Response {
  const plan = job.planned.plans[0] as ChoicePlan;
  const total = plan.tokenCount;
  let seq = 0;
  const event = (type: string, payload: Body): string => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...payload })}\n\n`;
  const shell = (status: string): Body => responseObject(job.r, { id: job.id, model: job.model.name, createdAt: job.createdAt, status, output: [], usage: null, maxOutputTokens: job.params.maxTokens, incomplete: false });
  // Output indexes follow the final order: reasoning, message, calls.
  const hasMessage = plan.text !== '' || plan.toolCalls.length === 0;
  const index = { reasoning: 0, message: plan.reasoning ? 1 : 0, call: (i: number) => (plan.reasoning ? 1 : 0) + (hasMessage ? 1 : 0) + i };
  const opened = new Set<string>();
  let released = 0;
  let wrote = false;
  const { writer, response } = openStream(c, { contentType: 'text/event-stream; charset=utf-8', onDisconnect: () => handle.abort() });
  writer.write(event('response.created', { response: shell('in_progress') }) + event('response.in_progress', { response: shell('in_progress') }));

  const step = (from: number, upTo: number): string => {
    let out = '';
    if (plan.reasoning) {
      const d = plan.reasoning.text.slice(channelLength(plan.reasoning, from, total), channelLength(plan.reasoning, upTo, total));
      if (d && !opened.has('r')) {
        opened.add('r');
        out += event('response.output_item.added', { output_index: index.reasoning, item: reasoningItem(job.ids.reasoning, '', 'in_progress') });
      }
      if (d) out += event('response.reasoning_text.delta', { item_id: job.ids.reasoning, output_index: index.reasoning, content_index: 0, delta: d });
    }
    const t = visibleDelta(plan, from, upTo);
    if (t && !opened.has('m')) {
      opened.add('m');
      out += event('response.output_item.added', { output_index: index.message, item: messageItem(job.ids.message, '', 'in_progress') });
      out += event('response.content_part.added', { item_id: job.ids.message, output_index: index.message, content_index: 0, part: textPart('') });
    }
    if (t) out += event('response.output_text.delta', { item_id: job.ids.message, output_index: index.message, content_index: 0, delta: t, logprobs: [] });
    plan.toolCalls.forEach((call, i) => {
      if (call.firstToken >= upTo) return;
      if (!opened.has(`c${i}`)) {
        opened.add(`c${i}`);
        out += event('response.output_item.added', { output_index: index.call(i), item: callItem(job.ids.call(i), call.id, call.name, '', 'in_progress') });
      }
      const d = call.text.slice(channelLength(call, from, total), channelLength(call, upTo, total));
      if (d) out += event('response.function_call_arguments.delta', { item_id: job.ids.call(i), output_index: index.call(i), delta: d });
    });
    return out;
  };

  const close = (): string => {
    const status = plan.finishReason === 'length' ? 'incomplete' : 'completed';
    let out = '';
    if (plan.reasoning) {
      if (!opened.has('r')) out += event('response.output_item.added', { output_index: index.reasoning, item: reasoningItem(job.ids.reasoning, '', 'in_progress') });
      out += event('response.reasoning_text.done', { item_id: job.ids.reasoning, output_index: index.reasoning, content_index: 0, text: plan.reasoning.text });
      out += event('response.output_item.done', { output_index: index.reasoning, item: reasoningItem(job.ids.reasoning, plan.reasoning.text, status) });
    }
    if (hasMessage) {
      if (!opened.has('m')) {
        out += event('response.output_item.added', { output_index: index.message, item: messageItem(job.ids.message, '', 'in_progress') });
        out += event('response.content_part.added', { item_id: job.ids.message, output_index: index.message, content_index: 0, part: textPart('') });
      }
      out += event('response.output_text.done', { item_id: job.ids.message, output_index: index.message, content_index: 0, text: plan.text, logprobs: [] });
      out += event('response.content_part.done', { item_id: job.ids.message, output_index: index.message, content_index: 0, part: textPart(plan.text) });
      out += event('response.output_item.done', { output_index: index.message, item: messageItem(job.ids.message, plan.text, status) });
    }
    plan.toolCalls.forEach((call, i) => {
      out += event('response.function_call_arguments.done', { item_id: job.ids.call(i), output_index: index.call(i), name: call.name, arguments: call.text });
      out += event('response.output_item.done', { output_index: index.call(i), item: callItem(job.ids.call(i), call.id, call.name, call.text, status) });
    });
    return out;
  };

  const handle = submitPrompt(job.model, job.planned, job.params, 0, null, {
    onTokens(_s, upTo) {
      const out = step(released, upTo);
      released = upTo;
      if (!out) return;
      // The first delta leaves at once (its time to first token must not wait for the rest of the step's work).
      writer.write(out, !wrote);
      wrote = true;
    },
    onFinished(summary) {
      const final = finished(job, summary.cachedTokens);
      if (job.r['store'] !== false) store(job.id, final);
      writer.end(close() + event(final['status'] === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final }));
    },
  }, job.id, submitArrival(c), dataParallelRankOf(c));
  return response;
}
