/**
 * @module The one place a conversation becomes prompt text and token ids (chat template render + encode, cached per
 * identical conversation); content parts' text is protocol/content-parts.ts, fill-in-the-middle markers fim.ts. Every
 * dialect and /tokenize call these, so a prompt tokenizes the same whichever route it came through.
 */
import type { ChatMessageLike, ChatTemplateOptions } from '../tokenizer/tokenizer.ts';
import type { PrepModel } from '../serving/context.ts';
import { PromptCache } from '../tokenizer/prompt-cache.ts';
import { errors } from '../protocol/errors.ts';

/** The model fields prompt building reads (a preparation worker has no engine). */
type PromptModel = Pick<PrepModel, 'tokenizer' | 'configKey'>;

/** Renders the chat template; a template that fails (bad request template, raise_exception) is the client's 400. */
export function renderPrompt(model: PromptModel, messages: readonly ChatMessageLike[], options: ChatTemplateOptions): string {
  try {
    return model.tokenizer.renderChat(messages, options);
  } catch (err) {
    throw errors.chatTemplate(err instanceof Error ? err.message : String(err));
  }
}

/** 64 MB of prompts per thread (each preparation worker has its own): key text as UTF-16, ids as 8-byte numbers. */
const promptCache = new PromptCache<number[]>({ capacity: 2048, maxBytes: 64 * 1024 * 1024, sizeOf: (key, ids) => key.length * 2 + ids.length * 8 });

/**
 * Template + tokenize, cached per model for identical conversations and options. The returned array is shared by
 * every request with the same prompt: never mutate it.
 */
export function chatPromptIds(model: PromptModel, messages: readonly ChatMessageLike[], options: ChatTemplateOptions, addSpecial = false): number[] {
  return promptCache.getOrCompute(promptKey(model, messages, options, addSpecial), () =>
    model.tokenizer.encode(renderPrompt(model, messages, options), addSpecial),
  );
}

/**
 * The prompt cache key: everything that changes the rendered prompt. Plain `{role, content}` messages are written
 * length-prefixed (unambiguous, and several times cheaper than JSON.stringify of the parsed request); anything else
 * is JSON.
 */
function promptKey(model: PromptModel, messages: readonly ChatMessageLike[], o: ChatTemplateOptions, addSpecial: boolean): string {
  let key = `${model.configKey}\u0000${o.addGenerationPrompt ? 1 : 0}${o.continueFinalMessage ? 1 : 0}${addSpecial ? 1 : 0}`;
  if (o.tools || o.documents || o.chatTemplate || o.kwargs)
    key += JSON.stringify([o.tools ?? null, o.documents ?? null, o.chatTemplate ?? null, o.kwargs ?? null]);
  for (const m of messages) {
    const content = m.content;
    if (typeof content === 'string' && onlyRoleAndContent(m)) key += `\u0001${m.role.length}:${m.role}${content.length}:${content}`;
    else key += `\u0002${JSON.stringify(m)}`;
  }
  return key;
}

function onlyRoleAndContent(m: object): boolean {
  for (const k in m) if (k !== 'role' && k !== 'content') return false;
  return true;
}

/** `truncate_prompt_tokens`: keep the last N ids (-1: the context window), as vLLM. */
export function truncatePrompt(model: PrepModel, ids: number[], truncate: number | null | undefined): number[] {
  if (truncate === null || truncate === undefined) return ids;
  if (truncate > model.maxModelLen) throw errors.truncateTooLarge();
  const keep = truncate === -1 ? model.maxModelLen : truncate;
  return ids.length > keep ? ids.slice(ids.length - keep) : ids;
}
