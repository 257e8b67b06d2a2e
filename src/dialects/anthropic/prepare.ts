/**
 * @module The pure half of Anthropic `POST /v1/messages` and `/v1/messages/count_tokens`: validate, convert to the
 * chat shape as vLLM does (convert.ts), template and tokenize; plan the answer. Runs in a preparation worker or on the
 * engine's thread with the same result (pipeline/prepare.ts).
 */
import { resolveModel, type PrepareEnv, type PrepModel } from '../../serving/context.ts';
import { requestTemplate } from '../../scenario/safety.ts';
import { parseWith } from '../../protocol/fields.ts';
import { AnthropicCountTokensRequestSchema, AnthropicMessagesRequestSchema } from '../../protocol/anthropic.ts';
import { planConversation, type ConversationPlan } from '../../pipeline/conversation.ts';
import { chatPromptIds } from '../../pipeline/prompt.ts';
import { checkPromptCanFit } from '../../pipeline/size-checks.ts';
import { checkToolAccess } from '../openai/tools-access.ts';
import { toConversation } from './convert.ts';

export const ANTHROPIC_MESSAGES_JOB = 'anthropic.messages';
export const ANTHROPIC_COUNT_JOB = 'anthropic.count_tokens';

export interface PlannedMessages extends ConversationPlan {
  readonly model: PrepModel;
  /** The name the client asked for (echoed as `model`). */
  readonly name: string;
  readonly stream: boolean;
}

export interface CountedTokens {
  readonly model: PrepModel;
  readonly inputTokens: number;
}

export function planMessages(env: PrepareEnv, raw: Record<string, unknown>): PlannedMessages {
  const r = parseWith(AnthropicMessagesRequestSchema, raw);
  const model = resolveModel(env, r.model);
  const conversation = toConversation(r);
  // vLLM serves this API through its chat handler: the same tool-access 400 (tools alone convert to `auto`).
  checkToolAccess(model.toolParser, conversation.intent.tools);
  const sampling = { temperature: r.temperature ?? undefined, top_p: r.top_p ?? undefined, top_k: r.top_k ?? undefined, stop: r.stop_sequences ?? null };
  return { ...planConversation(env, model, conversation, { maxTokens: r.max_tokens, sampling }), model, name: r.model, stream: r.stream === true };
}

export function countTokens(env: PrepareEnv, raw: Record<string, unknown>): CountedTokens {
  const r = parseWith(AnthropicCountTokensRequestSchema, raw);
  const { messages, templateTools, kwargs, intent } = toConversation(r);
  const model = resolveModel(env, r.model);
  checkToolAccess(model.toolParser, intent.tools);
  checkPromptCanFit(model, messages);
  const options = { addGenerationPrompt: true, tools: templateTools, kwargs, ...requestTemplate(env.settings.safety, null, kwargs) };
  return { model, inputTokens: chatPromptIds(model, messages, options).length };
}
