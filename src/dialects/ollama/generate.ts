/**
 * @module Ollama `POST /api/generate` and `POST /api/chat` on the same planner and engine as the OpenAI routes: NDJSON
 * streaming by default (one line per engine step), final line with `done_reason` and nanosecond durations taken from
 * the engine's simulated timeline. Tool calls arrive whole in one chunk, as Ollama sends them.
 */
import { Hono, type Context } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import type { RequestSummary } from '../../engine/types.ts';
import { OllamaChatSchema, OllamaGenerateSchema } from '../../protocol/ollama.ts';
import { parseWith } from '../../protocol/fields.ts';
import { ApiError } from '../../protocol/errors.ts';
import { readJsonObject } from '../../http/json-body.ts';
import { openStream } from '../../http/sse-writer.ts';
import { submitArrival } from '../../http/json-body.ts';
import { dataParallelRankOf } from '../../http/request-scope.ts';
import { checkAdmission, runToCompletion, submitPrompt } from '../../pipeline/engine-run.ts';
import { planConversation, parsedArguments, type ConversationJob } from '../../pipeline/conversation.ts';
import { channelLength, type ChoicePlan, visibleDelta } from '../../generate/plan.ts';
import { fimMiddleId, fimPromptText } from '../../pipeline/prompt.ts';
import { resolveOllamaModel, createdAt, ns, OLLAMA_BODY } from './model.ts';

interface Job extends ConversationJob {
  readonly name: string;
  readonly chat: boolean;
}

export function ollamaGenerateRoute(ctx: ServerContext): Hono {
  const app = new Hono();
  const handle = async (c: Context, chat: boolean): Promise<Response> => {
    const body = await readJsonObject(c, OLLAMA_BODY);
    return loadResponse(ctx, body, chat) ?? run(c, ctx, prepare(ctx, body, chat));
  };
  app.post('/api/generate', (c) => handle(c, false));
  app.post('/api/chat', (c) => handle(c, true));
  return app;
}

/**
 * Ollama answers a request with nothing to generate (no `prompt`, no `messages`) by loading the model: one JSON object
 * (also when streaming) with `done_reason` `load`, or `unload` with `keep_alive: 0`; nothing is generated.
 */
function loadResponse(ctx: ServerContext, body: Record<string, unknown>, chat: boolean): Response | null {
  const r = chat ? parseWith(OllamaChatSchema, body) : parseWith(OllamaGenerateSchema, body);
  const empty = chat ? ((r as { messages?: unknown[] | null }).messages ?? []).length === 0 : !(r as { prompt?: string | null }).prompt;
  if (!empty) return null;
  resolveOllamaModel(ctx, r.model);
  const reason = unloads(r.keep_alive) ? 'unload' : 'load';
  const answer = chat
    ? { model: r.model, created_at: createdAt(ctx), message: { role: 'assistant', content: '' }, done_reason: reason, done: true }
    : { model: r.model, created_at: createdAt(ctx), response: '', done: true, done_reason: reason };
  return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json; charset=utf-8' } });
}

/** `keep_alive` of zero (`0`, `"0"`, `"0s"`, `"0m"`): Ollama unloads the model. */
function unloads(keepAlive: string | number | null | undefined): boolean {
  if (typeof keepAlive === 'number') return keepAlive === 0;
  return typeof keepAlive === 'string' && /^0+(\.0*)?(ns|us|µs|ms|s|m|h)?$/.test(keepAlive.trim());
}

function prepare(ctx: ServerContext, body: Record<string, unknown>, chat: boolean): Job & { stream: boolean } {
  const r = chat ? parseWith(OllamaChatSchema, body) : parseWith(OllamaGenerateSchema, body);
  const model = resolveOllamaModel(ctx, r.model);
  checkAdmission(model);
  const messages = chat ? ((r as { messages?: { role: string; content?: string | null }[] }).messages ?? []) : generateMessages(r as { prompt?: string | null; system?: string | null });
  const g = r as { raw?: boolean | null; prompt?: string | null; suffix?: string | null };
  const think = r.think;
  const kwargs = think === false ? { enable_thinking: false } : null;
  if (!chat && g.suffix && fimMiddleId(model.tokenizer) === null) throw new ApiError(400, 'BadRequestError', `"${r.model}" does not support insert`);
  const promptText = !chat && g.raw ? (g.prompt ?? '') : !chat && g.suffix ? fimPromptText(g.prompt ?? '', g.suffix) : undefined;
  const o = r.options ?? {};
  // The OpenAI output contract reads tools, constraints and thinking from an OpenAI-shaped body.
  const format = r.format;
  const contractBody: Record<string, unknown> = {
    messages,
    ...(chat && (r as { tools?: unknown[] }).tools ? { tools: (r as { tools?: unknown[] }).tools } : {}),
    ...(format === 'json' ? { response_format: { type: 'json_object' } } : format && typeof format === 'object' ? { response_format: { type: 'json_schema', json_schema: { name: 'format', schema: format } } } : {}),
    ...(kwargs ? { chat_template_kwargs: kwargs } : typeof think === 'string' ? { reasoning_effort: think } : {}),
  };
  const { planned, params } = planConversation(ctx, model, contractBody, {
    maxTokens: o.num_predict !== null && o.num_predict !== undefined && o.num_predict > 0 ? o.num_predict : null,
    sampling: { temperature: o.temperature, top_p: o.top_p, top_k: o.top_k, min_p: o.min_p, seed: o.seed, stop: o.stop },
    ...(promptText !== undefined ? { promptText } : {}),
  });
  return { model, name: r.model, planned, params, chat, stream: r.stream !== false };
}

function generateMessages(r: { prompt?: string | null; system?: string | null }): { role: string; content: string }[] {
  return [...(r.system ? [{ role: 'system', content: r.system }] : []), { role: 'user', content: r.prompt ?? '' }];
}

async function run(c: Context, ctx: ServerContext, job: Job & { stream: boolean }): Promise<Response> {
  const plan = job.planned.plans[0] as ChoicePlan;
  if (!job.stream) {
    const summaries = await runToCompletion(c, job.model, [job.planned], job.params, 0, null, '');
    if (!summaries) return new Response(null, { status: 499 });
    const whole = piece(job, plan, 0, plan.tokenCount, true);
    return new Response(JSON.stringify({ model: job.name, created_at: createdAt(ctx), ...whole, ...final(ctx, job, plan, summaries[0] as RequestSummary) }), { headers: { 'content-type': 'application/json; charset=utf-8' } });
  }
  let released = 0;
  let wrote = false;
  const { writer, response } = openStream(c, { contentType: 'application/x-ndjson', onDisconnect: () => handle.abort() });
  const handle = submitPrompt(job.model, job.planned, job.params, 0, null, {
    onTokens(_seq, upTo) {
      const line = piece(job, plan, released, upTo, false);
      released = upTo;
      if (!line) return;
      // The first line leaves at once (its time to first token must not wait for the rest of the step's work).
      writer.write(`${JSON.stringify({ model: job.name, created_at: createdAt(ctx), ...line, done: false })}\n`, !wrote);
      wrote = true;
    },
    onFinished(summary) {
      const last = job.chat ? { message: { role: 'assistant', content: '' } } : { response: '' };
      writer.end(`${JSON.stringify({ model: job.name, created_at: createdAt(ctx), ...last, ...final(ctx, job, plan, summary) })}\n`);
    },
  }, '', submitArrival(c), dataParallelRankOf(c));
  return response;
}

/** What tokens (from, upTo] add: response/message text, thinking, and (chat, once complete) the tool calls. */
function piece(job: Job, plan: ChoicePlan, from: number, upTo: number, whole: boolean): Record<string, unknown> | null {
  const total = plan.tokenCount;
  const text = visibleDelta(plan, from, upTo);
  const thinking = plan.reasoning ? plan.reasoning.text.slice(channelLength(plan.reasoning, from, total), channelLength(plan.reasoning, upTo, total)) : '';
  const calls = upTo >= total && plan.toolCalls.length > 0 ? plan.toolCalls.map((call) => ({ function: { name: call.name, arguments: parsedArguments(call.text) } })) : null;
  if (!whole && !text && !thinking && !calls) return null;
  if (!job.chat) return { response: text, ...(thinking ? { thinking } : {}) };
  return { message: { role: 'assistant', content: text, ...(thinking ? { thinking } : {}), ...(calls ? { tool_calls: calls } : {}) } };
}

function final(ctx: ServerContext, job: Job, plan: ChoicePlan, s: RequestSummary): Record<string, unknown> {
  void ctx;
  return {
    done: true,
    done_reason: plan.finishReason === 'length' ? 'length' : 'stop',
    total_duration: ns(s.finishedTime - s.arrivalTime),
    load_duration: ns(s.firstScheduledTime - s.arrivalTime),
    prompt_eval_count: job.planned.promptIds.length - s.cachedTokens,
    prompt_eval_duration: ns(s.firstTokenTime - s.firstScheduledTime),
    eval_count: plan.tokenCount,
    eval_duration: ns(s.finishedTime - s.firstTokenTime),
  };
}
