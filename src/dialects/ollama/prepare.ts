/**
 * @module The pure half of Ollama `POST /api/generate` and `POST /api/chat`: validate, map Ollama's fields onto the
 * shared conversation planner (template, tokens, sampling, output contract), plan. Runs in a preparation worker or on
 * the engine's thread with the same result (pipeline/prepare.ts).
 */
import type { PrepareEnv, PrepModel } from '../../serving/context.ts';
import { OllamaChatSchema, OllamaGenerateSchema, type OllamaChat, type OllamaGenerate } from '../../protocol/ollama.ts';
import { ollamaFormat, parseOllama, type OllamaTools } from '../../protocol/ollama-tools.ts';
import { ApiError } from '../../protocol/errors.ts';
import { conversationIntent, planConversation, type ConversationPlan } from '../../pipeline/conversation.ts';
import { jsonConstraint, toolsAsk } from '../../pipeline/intent.ts';
import type { FunctionTool } from '../../generate/tool-calls.ts';
import type { ChatMessageLike } from '../../tokenizer/tokenizer.ts';
import { fimPromptText, supportsFim } from '../../pipeline/fim.ts';
import { resolveOllamaModel } from './model.ts';

export const OLLAMA_GENERATE_JOB = 'ollama.generate';
export const OLLAMA_CHAT_JOB = 'ollama.chat';

/** What an Ollama request becomes: a planned generation, or (nothing to generate) a model load or unload. */
export type PlannedOllama = PlannedOllamaGeneration | PlannedOllamaLoad;

interface PlannedOllamaBase {
  readonly model: PrepModel;
  /** The name the client asked for (echoed as `model`). */
  readonly name: string;
  readonly chat: boolean;
}

export interface PlannedOllamaGeneration extends PlannedOllamaBase, ConversationPlan {
  readonly stream: boolean;
}

export interface PlannedOllamaLoad extends PlannedOllamaBase {
  /**
   * Ollama answers a request with nothing to generate (no `prompt`, no `messages`) by loading the model: one JSON
   * object (also when streaming) with `done_reason` `load`, or `unload` with `keep_alive: 0`.
   */
  readonly load: 'load' | 'unload';
}

export const planOllamaGenerate = (env: PrepareEnv, body: Record<string, unknown>): PlannedOllama => planGenerate(env, parseOllama(OllamaGenerateSchema, body));

export const planOllamaChat = (env: PrepareEnv, body: Record<string, unknown>): PlannedOllama =>
  planChatBody(env, parseOllama(OllamaChatSchema, body), body['tools']);

function planGenerate(env: PrepareEnv, r: OllamaGenerate): PlannedOllama {
  const model = resolveOllamaModel(env, r.model);
  if (!r.prompt) return { model, name: r.model, chat: false, load: unloads(r.keep_alive) ? 'unload' : 'load' };
  if (r.suffix && !supportsFim(model.tokenizer)) throw new ApiError(400, 'BadRequestError', `"${r.model}" does not support insert`);
  const messages = [...(r.system ? [{ role: 'system', content: r.system }] : []), { role: 'user', content: r.prompt }];
  const promptText = r.raw ? r.prompt : r.suffix ? fimPromptText(r.prompt, r.suffix) : undefined;
  return { ...plan(env, model, r, messages, null, promptText), name: r.model, chat: false, stream: r.stream !== false };
}

/** `sentTools`: the body's `tools` as sent (key order and all), which the template renders; the schema has checked them. */
function planChatBody(env: PrepareEnv, r: OllamaChat, sentTools: unknown): PlannedOllama {
  const model = resolveOllamaModel(env, r.model);
  const messages = r.messages ?? [];
  if (messages.length === 0) return { model, name: r.model, chat: true, load: unloads(r.keep_alive) ? 'unload' : 'load' };
  const tools = r.tools ? { typed: r.tools, sent: sentTools as readonly Readonly<Record<string, unknown>>[] } : null;
  return { ...plan(env, model, r, messages, tools, undefined), name: r.model, chat: true, stream: r.stream !== false };
}

/** Ollama's fields as the shared conversation: `tools` as OpenAI's, `format` as a JSON constraint, `think` as thinking. */
function plan(
  env: PrepareEnv,
  model: PrepModel,
  r: OllamaGenerate | OllamaChat,
  messages: readonly ChatMessageLike[],
  tools: { readonly typed: NonNullable<OllamaTools>; readonly sent: readonly Readonly<Record<string, unknown>>[] } | null,
  promptText: string | undefined,
): ConversationPlan & { model: PrepModel } {
  const think = r.think;
  const format = ollamaFormat(r.format);
  const intent = conversationIntent(messages, {
    constraint: format === null ? null : jsonConstraint(format === 'json' ? null : format),
    tools: tools && tools.typed.length > 0 ? toolsAsk(ollamaFunctionTools(tools.typed, tools.sent), 'auto', true) : null,
    thinking: think !== false,
    reasoningEffort: typeof think === 'string' ? think : null,
    request: r,
  });
  const conversation = { messages, templateTools: tools?.sent ?? null, kwargs: think === false ? { enable_thinking: false } : null, intent };
  const o = r.options ?? {};
  const planned = planConversation(env, model, conversation, {
    maxTokens: o.num_predict !== null && o.num_predict !== undefined && o.num_predict > 0 ? o.num_predict : null,
    sampling: { temperature: o.temperature, top_p: o.top_p, top_k: o.top_k, min_p: o.min_p, seed: o.seed, stop: o.stop },
    ...(promptText !== undefined ? { promptText } : {}),
  });
  return { ...planned, model };
}

/**
 * Each tool as Go decoded it (no name or a `null` tool: the empty name, as Ollama's zero value), its parameters as
 * sent: the schema the arguments are generated from, with properties in the client's order.
 */
function ollamaFunctionTools(typed: NonNullable<OllamaTools>, sent: readonly Readonly<Record<string, unknown>>[]): FunctionTool[] {
  return typed.map((t, i) => {
    const fn = sent[i]?.['function'] as Readonly<Record<string, unknown>> | null | undefined;
    const parameters = fn?.['parameters'];
    return { name: t?.function?.name ?? '', parameters: parameters && typeof parameters === 'object' ? (parameters as Record<string, unknown>) : null };
  });
}

/** `keep_alive` of zero (`0`, `"0"`, `"0s"`, `"0m"`): Ollama unloads the model. */
function unloads(keepAlive: string | number | null | undefined): boolean {
  if (typeof keepAlive === 'number') return keepAlive === 0;
  return typeof keepAlive === 'string' && /^0+(\.0*)?(ns|us|µs|ms|s|m|h)?$/.test(keepAlive.trim());
}
