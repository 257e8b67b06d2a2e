/**
 * @module Ollama `POST /api/generate` and `POST /api/chat` on the same planner and engine as the OpenAI routes: NDJSON
 * streaming by default (one line per engine step), final line with `done_reason` and nanosecond durations taken from
 * the engine's simulated timeline. Tool calls arrive whole in one chunk, as Ollama sends them.
 */
import { Hono } from 'hono';
import type { ServerContext } from '../../serving/context.ts';
import type { RequestSummary } from '../../engine/types.ts';
import { NDJSON_CONTENT_TYPE } from '../../http/stream-writer.ts';
import { checkAdmission, runToCompletion, singleRun } from '../../pipeline/engine-run.ts';
import { streamEngine } from '../../pipeline/engine-stream.ts';
import { parsedArguments } from '../../pipeline/conversation.ts';
import { prepareBody } from '../../pipeline/prepare.ts';
import type { Served } from '../../pipeline/prepare-wire.ts';
import { channelLength, type ChoicePlan, visibleDelta } from '../../generate/plan.ts';
import { createdAt, ns, OLLAMA_BODY } from './model.ts';
import { OLLAMA_CHAT_JOB, OLLAMA_GENERATE_JOB, planOllamaChat, planOllamaGenerate, type PlannedOllamaGeneration, type PlannedOllamaLoad } from './prepare.ts';
import type { AppContext, AppEnv } from '../../http/request-env.ts';
import type { GenerationDone, GenerationLine, GenerationPiece } from './response-types.ts';

type Job = Served<PlannedOllamaGeneration>;

/** Any Content-Type; the queue is checked once prepared (a load answer needs none). */
const OLLAMA_GENERATION = { ...OLLAMA_BODY, refuseEarly: false } as const;

export function ollamaGenerateRoute(ctx: ServerContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/api/generate', async (c) => answer(c, ctx, await prepareBody(c, ctx, OLLAMA_GENERATE_JOB, planOllamaGenerate, OLLAMA_GENERATION)));
  app.post('/api/chat', async (c) => answer(c, ctx, await prepareBody(c, ctx, OLLAMA_CHAT_JOB, planOllamaChat, OLLAMA_GENERATION)));
  return app;
}

function answer(c: AppContext, ctx: ServerContext, p: Job | Served<PlannedOllamaLoad>): Response | Promise<Response> {
  if ('load' in p) return loadResponse(ctx, p);
  checkAdmission(p.model);
  return run(c, ctx, p);
}

/** A model load (or unload): one JSON object, also when streaming; nothing is generated. */
function loadResponse(ctx: ServerContext, p: Served<PlannedOllamaLoad>): Response {
  const answer = p.chat
    ? { model: p.name, created_at: createdAt(ctx), message: { role: 'assistant', content: '' }, done_reason: p.load, done: true }
    : { model: p.name, created_at: createdAt(ctx), response: '', done: true, done_reason: p.load };
  return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json; charset=utf-8' } });
}

async function run(c: AppContext, ctx: ServerContext, job: Job): Promise<Response> {
  const plan = job.planned.plans[0] as ChoicePlan;
  const run = singleRun(job, '');
  if (!job.stream) {
    const summaries = await runToCompletion(c, run);
    if (!summaries) return new Response(null, { status: 499 });
    const whole = piece(job, plan, 0, plan.tokenCount, true) as GenerationPiece; // `whole`: never null
    const body: GenerationLine = { model: job.name, created_at: createdAt(ctx), ...whole, ...final(ctx, job, plan, summaries[0] as RequestSummary) };
    return new Response(JSON.stringify(body), {
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  }
  return streamEngine(c, run, {
    contentType: NDJSON_CONTENT_TYPE,
    step(_prompt, _seq, from, upTo) {
      const line = piece(job, plan, from, upTo, false);
      return line ? `${JSON.stringify({ model: job.name, created_at: createdAt(ctx), ...line, done: false } satisfies GenerationLine)}\n` : '';
    },
    last([summary]) {
      const last: GenerationPiece = job.chat ? { message: { role: 'assistant', content: '' } } : { response: '' };
      return `${JSON.stringify({ model: job.name, created_at: createdAt(ctx), ...last, ...final(ctx, job, plan, summary) } satisfies GenerationLine)}\n`;
    },
  });
}

/** What tokens (from, upTo] add: response/message text, thinking, and (chat, once complete) the tool calls. */
function piece(job: Job, plan: ChoicePlan, from: number, upTo: number, whole: boolean): GenerationPiece | null {
  const total = plan.tokenCount;
  const text = visibleDelta(plan, from, upTo);
  const thinking = plan.reasoning ? plan.reasoning.text.slice(channelLength(plan.reasoning, from, total), channelLength(plan.reasoning, upTo, total)) : '';
  const calls =
    upTo >= total && plan.toolCalls.length > 0
      ? plan.toolCalls.map((call) => ({ function: { name: call.name, arguments: parsedArguments(call.text) } }))
      : null;
  if (!whole && !text && !thinking && !calls) return null;
  if (!job.chat) return { response: text, ...(thinking ? { thinking } : {}) };
  return { message: { role: 'assistant', content: text, ...(thinking ? { thinking } : {}), ...(calls ? { tool_calls: calls } : {}) } };
}

function final(ctx: ServerContext, job: Job, plan: ChoicePlan, s: RequestSummary): GenerationDone {
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
