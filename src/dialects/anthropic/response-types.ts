/**
 * @module The Anthropic Messages objects llmsim builds, named (Anthropic's `Message` and content blocks, with the
 * fields vLLM's /v1/messages serves, in wire order). Type-only: messages.ts states what it returns.
 */

export interface ThinkingBlock {
  readonly type: 'thinking';
  readonly thinking: string;
  readonly signature: string;
}

export interface TextBlock {
  readonly type: 'text';
  readonly text: string;
}

export interface ToolUseBlock {
  readonly type: 'tool_use';
  readonly id: string;
  readonly name: string;
  readonly input: unknown;
}

export type ContentBlock = ThinkingBlock | TextBlock | ToolUseBlock;

export type StopReason = 'end_turn' | 'max_tokens' | 'tool_use';

export interface AnthropicMessage {
  readonly id: string;
  readonly type: 'message';
  readonly role: 'assistant';
  readonly content: readonly ContentBlock[];
  readonly model: string;
  readonly stop_reason: StopReason;
  readonly usage: { readonly input_tokens: number; readonly output_tokens: number };
}
