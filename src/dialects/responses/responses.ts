/**
 * @module `POST /v1/responses` and `GET /v1/responses/{id}` on the shared planner and engine: named SSE events with a
 * `sequence_number` and no `[DONE]`, in the order of protocol.md A.12; stored responses (off by default, as vLLM) in
 * a bounded LRU store (store.ts), which `previous_response_id` continues from.
 */
import { Hono, type Context } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import { ApiError } from '../../protocol/errors.ts';
import { contentText } from '../../protocol/content-parts.ts';
import { SSE_CONTENT_TYPE } from '../../http/stream-writer.ts';
import { checkAdmission, runToCompletion, singleRun } from '../../pipeline/engine-run.ts';
import { streamEngine } from '../../pipeline/engine-stream.ts';
import { responseId } from '../../pipeline/plan-prompt.ts';
import { header } from '../../http/headers.ts';
import { prepareBody } from '../../pipeline/prepare.ts';
import type { ResponseObject } from './response-types.ts';
import type { Served } from '../../pipeline/prepare-wire.ts';
import { channelLength, type ChoicePlan, visibleDelta } from '../../generate/plan.ts';
import { planResponse, RESPONSES_JOB, type PlannedResponse, type PreviousTurns } from './prepare.ts';
import { outputItems, responseObject, usageOf, messageItem, reasoningItem, callItem, textPart, type ItemIds } from './items.ts';
import { ResponsesStore } from './store.ts';
import type { AppEnv } from '../../http/request-env.ts';

/** A chat message (the previous turns a `previous_response_id` chain continues), or an event's payload. */
type Body = Record<string, unknown>;

interface Job extends Served<PlannedResponse> {
  readonly id: string;
  readonly ids: ItemIds;
  readonly createdAt: number;
}

type Keep = (job: Job, response: ResponseObject) => void;

export function responsesRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const store = new ResponsesStore(ctx.settings.safety.responsesStore);
  const keep: Keep = (job, response) => {
    if (job.stored) store.put(job.id, response, [...job.history, ...outputMessages(response)]);
  };
  app.post('/v1/responses', async (c) => {
    const previous = (id: string): PreviousTurns => ({ messages: lookup(store, id).messages });
    const job = finish(ctx, store, await prepareBody(c, ctx, RESPONSES_JOB, planResponse, { resolve: previous }), header(c, 'x-request-id'));
    if (job.r.stream === true) return stream(c, ctx, job, keep);
    const summaries = await runToCompletion(c, singleRun(job, job.id));
    if (!summaries) return new Response(null, { status: 499 });
    const response = finished(job, summaries[0]?.cachedTokens ?? 0);
    keep(job, response);
    return c.json(response);
  });
  app.get('/v1/responses/:id', (c) => c.json(lookup(store, c.req.param('id')).response));
  return app;
}

/** vLLM's checks: an id must start with `resp_` (400), and be in the store (404; always, while the store is off). */
function lookup(store: ResponsesStore, id: string): { response: ResponseObject; messages: readonly Body[] } {
  if (!id.startsWith('resp_'))
    throw new ApiError(400, 'invalid_request_error', `Invalid 'response_id': '${id}'. Expected an ID that begins with 'resp'.`, 'response_id');
  const hit = store.get(id);
  if (!hit) throw new ApiError(404, 'invalid_request_error', `Response with id '${id}' not found.`, 'response_id');
  return hit;
}

/** The engine's-thread half: admission (`--max-waiting`), the response id, item ids and `created_at`. */
function finish(ctx: ServerContext, store: ResponsesStore, p: Served<PlannedResponse>, headerId: string | undefined): Job {
  checkAdmission(p.model);
  // A stored response gets a minted id whatever the client asked for (store.ts says why); otherwise X-Request-Id or
  // `request_id` names it, as in vLLM.
  const id = p.stored ? store.mintId() : responseId('resp_', headerId, p.r.request_id);
  // Item ids follow the response id (its unique tail), so they are unique per request too.
  const hex = id.slice(5).slice(-24);
  return { ...p, id, createdAt: ctx.unixSeconds(), ids: { message: `msg_${hex}`, reasoning: `rs_${hex}`, call: (i) => `fc_${hex}${i}` } };
}

/** A response's output as chat messages (what the next turn of a `previous_response_id` chain sees). */
function outputMessages(response: ResponseObject): Body[] {
  const out: Body[] = [];
  for (const item of response.output) {
    if (item.type === 'message') {
      // Stored output messages have one output_text part (items.ts), so this is its text.
      out.push({ role: 'assistant', content: contentText(item.content) });
    } else if (item.type === 'function_call') {
      out.push({
        role: 'assistant',
        content: '',
        tool_calls: [{ id: item.call_id, type: 'function', function: { name: item.name, arguments: item.arguments } }],
      });
    }
  }
  return out;
}

function finished(job: Job, cached: number): ResponseObject {
  const plan = job.planned.plans[0] as ChoicePlan;
  const incomplete = plan.finishReason === 'length';
  return responseObject(job.r, {
    id: job.id,
    model: job.model.name,
    createdAt: job.createdAt,
    status: incomplete ? 'incomplete' : 'completed',
    output: outputItems(plan, job.ids, incomplete ? 'incomplete' : 'completed'),
    usage: usageOf(job.planned.promptIds.length, cached, plan),
    maxOutputTokens: job.params.maxTokens,
    incomplete,
  });
}

function stream(c: Context, _ctx: ServerContext, job: Job, keep: Keep): Response {
  const plan = job.planned.plans[0] as ChoicePlan;
  const total = plan.tokenCount;
  let seq = 0;
  const event = (type: string, payload: Body): string => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...payload })}\n\n`;
  const shell = (status: string): ResponseObject =>
    responseObject(job.r, {
      id: job.id,
      model: job.model.name,
      createdAt: job.createdAt,
      status,
      output: [],
      usage: null,
      maxOutputTokens: job.params.maxTokens,
      incomplete: false,
    });
  // Output indexes follow the final order: reasoning, message, calls.
  const hasMessage = plan.text !== '' || plan.toolCalls.length === 0;
  const index = { reasoning: 0, message: plan.reasoning ? 1 : 0, call: (i: number) => (plan.reasoning ? 1 : 0) + (hasMessage ? 1 : 0) + i };
  const opened = new Set<string>();
  // Rendered first: the start events take the first sequence numbers.
  const opening = event('response.created', { response: shell('in_progress') }) + event('response.in_progress', { response: shell('in_progress') });

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
      if (!opened.has('r'))
        out += event('response.output_item.added', { output_index: index.reasoning, item: reasoningItem(job.ids.reasoning, '', 'in_progress') });
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

  return streamEngine(c, singleRun(job, job.id), {
    contentType: SSE_CONTENT_TYPE,
    opening,
    step: (_prompt, _seq, from, upTo) => step(from, upTo),
    last([summary]) {
      const final = finished(job, summary.cachedTokens);
      keep(job, final);
      return close() + event(final['status'] === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: final });
    },
  });
}
