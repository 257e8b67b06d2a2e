/**
 * @module The shared planning step for dialects that arrive as a conversation (Ollama, Responses, Anthropic): chat
 * template → token ids → context check → sampling params → output contract → plan. The OpenAI chat route does the
 * same with its own validation order; everything after planning (engine, streams) is shared too.
 */
import type { PrepareEnv, PrepModel } from '../serving/context.ts';
import { toSamplingParams, type SamplingParams, type WireSampling } from '../protocol/sampling.ts';
import { effectiveMaxTokens, planPrompt, withPrefixHashes, type PlannedPrompt } from './plan-prompt.ts';
import { readOutputContract } from './output-contract.ts';
import { chatPromptIds } from './prompt.ts';
import { requestTemplate } from '../scenario/safety.ts';
import { checkCharsCanFit, checkPromptCanFit } from './size-checks.ts';
import type { ChatMessageLike } from '../tokenizer/tokenizer.ts';
import type { Constraint } from '../generate/structured.ts';
import type { IntentMessage, OutputIntent, ToolsAsk } from './intent.ts';

export interface ConversationPlan {
  readonly planned: PlannedPrompt;
  readonly params: SamplingParams;
}

/** A dialect's request in the chat shape: the conversation and what the chat template renders with it. */
export interface ChatInput {
  readonly messages: readonly ChatMessageLike[];
  /** Tools as the chat template renders them (OpenAI function shape), or null. */
  readonly templateTools: readonly unknown[] | null;
  readonly kwargs: Record<string, unknown> | null;
}

/** A chat input and what the answer is asked to be (the intent's `messages` are the input's: conversationIntent). */
export interface Conversation extends ChatInput {
  readonly intent: OutputIntent;
}

export interface ConversationOptions {
  /** Requested output budget (null: up to the context window). */
  readonly maxTokens: number | null;
  readonly sampling: WireSampling;
  /** A prompt built by the dialect itself (Ollama `raw` and `suffix`), instead of the chat template. */
  readonly promptText?: string;
}

/** What a conversation dialect asks of the answer beyond its messages (absent: free text, no tools, thinking on). */
export interface ConversationAsk {
  readonly constraint?: Constraint | null;
  readonly tools?: ToolsAsk | null;
  readonly thinking?: boolean;
  readonly reasoningEffort?: string | null;
  readonly request: Readonly<Record<string, unknown>>;
}

/** The output intent of a conversation dialect (rules match the served model's name). */
export function conversationIntent(messages: readonly IntentMessage[], a: ConversationAsk): OutputIntent {
  return {
    chat: true,
    model: null,
    messages,
    prompt: '',
    constraint: a.constraint ?? null,
    structuredOutputs: false,
    tools: a.tools ?? null,
    thinking: a.thinking ?? true,
    reasoningEffort: a.reasoningEffort ?? null,
    request: a.request,
  };
}

export function planConversation(ctx: PrepareEnv, model: PrepModel, c: Conversation, o: ConversationOptions): ConversationPlan {
  // A prompt that cannot fit however it tokenizes is refused before the template and tokenizer run.
  if (o.promptText !== undefined) checkCharsCanFit(model, o.promptText.length);
  else checkPromptCanFit(model, c.messages);
  const promptIds =
    o.promptText !== undefined
      ? model.tokenizer.encode(o.promptText)
      : chatPromptIds(model, c.messages, {
          addGenerationPrompt: true,
          tools: c.templateTools,
          kwargs: c.kwargs,
          ...requestTemplate(ctx.settings.safety, null, c.kwargs),
        });
  const maxTokens = effectiveMaxTokens(model, promptIds.length, o.maxTokens);
  const params = toSamplingParams(o.sampling, maxTokens, null, { maxLogprobs: ctx.settings.maxLogprobs, vocabSize: model.tokenizer.vocabSize });
  return { planned: withPrefixHashes(model, planPrompt(ctx, model, promptIds, params, readOutputContract(model, c.intent, ctx.rules)), null), params };
}

/** Tool-call arguments as an object for dialects that send them parsed (Ollama, Anthropic). */
export function parsedArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
