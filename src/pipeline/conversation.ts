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
import { requestTemplate } from '../serving/safety.ts';
import { checkCharsCanFit, checkPromptCanFit } from './size-checks.ts';

export interface ConversationPlan {
  readonly planned: PlannedPrompt;
  readonly params: SamplingParams;
}

export interface ConversationOptions {
  /** Requested output budget (null: up to the context window). */
  readonly maxTokens: number | null;
  readonly sampling: WireSampling;
  /** A prompt built by the dialect itself (Ollama `raw` and `suffix`), instead of the chat template. */
  readonly promptText?: string;
}

/** `body` is OpenAI-chat shaped (messages, tools, tool_choice, response_format, chat_template_kwargs, reasoning_effort). */
export function planConversation(ctx: PrepareEnv, model: PrepModel, body: Record<string, unknown>, o: ConversationOptions): ConversationPlan {
  const messages = (body['messages'] as never[] | undefined) ?? [];
  const kwargs = (body['chat_template_kwargs'] as Record<string, unknown> | undefined) ?? null;
  // A prompt that cannot fit however it tokenizes is refused before the template and tokenizer run.
  if (o.promptText !== undefined) checkCharsCanFit(model, o.promptText.length);
  else checkPromptCanFit(model, messages as { content?: unknown }[]);
  const promptIds =
    o.promptText !== undefined
      ? model.tokenizer.encode(o.promptText)
      : chatPromptIds(model, messages, {
          addGenerationPrompt: true,
          tools: (body['tools'] as unknown[] | undefined) ?? null,
          kwargs,
          ...requestTemplate(ctx.settings.safety, null, kwargs),
        });
  const maxTokens = effectiveMaxTokens(model, promptIds.length, o.maxTokens);
  const params = toSamplingParams(o.sampling, maxTokens, null, { maxLogprobs: ctx.settings.maxLogprobs, vocabSize: model.tokenizer.vocabSize });
  return { planned: withPrefixHashes(model, planPrompt(ctx, model, promptIds, params, readOutputContract(model, body, true, ctx.rules)), null), params };
}

/** Tool-call arguments as an object for dialects that send them parsed (Ollama, Anthropic). */
export function parsedArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
