/**
 * @module The pure half of `POST /v1/responses`: validate, convert to the chat shape (convert.ts), continue a stored
 * conversation, template, tokenize, plan. The store lives on the engine's thread: a request naming a
 * `previous_response_id` asks for that conversation (`NeedsContext`), the route looks it up (400/404 as vLLM) and
 * the job runs again with it. Same result on a preparation worker or the engine's thread (pipeline/prepare.ts).
 */
import { resolveModel, type PrepareEnv, type PrepModel } from '../../serving/context.ts';
import { parseWith } from '../../protocol/fields.ts';
import { ResponsesRequestSchema, type ResponsesRequest } from '../../protocol/responses.ts';
import type { ChatMessageLike } from '../../tokenizer/tokenizer.ts';
import { conversationIntent, planConversation, type ConversationPlan } from '../../pipeline/conversation.ts';
import { NeedsContext } from '../../pipeline/prepare-wire.ts';
import { responsesAsk, toChat } from './convert.ts';

type Body = Record<string, unknown>;

export const RESPONSES_JOB = 'responses.create';

/** What a continued request is given: the stored conversation of its `previous_response_id`. */
export interface PreviousTurns {
  readonly messages: readonly Body[];
}

export interface PlannedResponse extends ConversationPlan {
  readonly model: PrepModel;
  /** The request as validated, with `store` as it will be answered. */
  readonly r: ResponsesRequest;
  /** Kept in the store when done (the store is on and the request did not say `store: false`). */
  readonly stored: boolean;
  /** The conversation so far without system messages (for the stored entry). */
  readonly history: readonly Body[];
}

export function planResponse(env: PrepareEnv, raw: Body, given?: unknown): PlannedResponse {
  const request = parseWith(ResponsesRequestSchema, raw);
  // As vLLM: `store` (default true) is silently turned off while the store is disabled, and the response says so.
  const stored = env.settings.safety.responsesStore.enabled && request.store !== false;
  const r: ResponsesRequest = { ...request, store: stored };
  const { messages, templateTools } = toChat(r);
  const previousId = r.previous_response_id;
  if (typeof previousId === 'string') {
    if (given === undefined) throw new NeedsContext(previousId);
    // A follow-up continues the stored conversation: this request's instructions first, then the earlier turns.
    // The store holds the chat messages this route wrote (responses.ts), so they are messages.
    const previous = given as { readonly messages: readonly ChatMessageLike[] };
    messages.splice(messages[0]?.role === 'system' && typeof r.instructions === 'string' ? 1 : 0, 0, ...previous.messages);
  }
  const history = messages.filter((m) => m.role !== 'system');
  const model = resolveModel(env, r.model ?? null);
  // vLLM's Responses API takes tools without --enable-auto-tool-choice and renders them; without a tool parser it
  // extracts no call, so the answer is text whatever `tool_choice` says.
  const ask = responsesAsk(r);
  const intent = conversationIntent(messages, model.toolParser === null ? { ...ask, tools: null } : ask);
  const plan = planConversation(
    env,
    model,
    { messages, templateTools, kwargs: null, intent },
    { maxTokens: r.max_output_tokens ?? null, sampling: { temperature: r.temperature ?? undefined, top_p: r.top_p ?? undefined } },
  );
  return { ...plan, model, r, stored, history };
}
