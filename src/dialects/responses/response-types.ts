/**
 * @module The Responses API objects llmsim builds, named (openai-openapi.json `Response`, `OutputItem` and friends,
 * with the fields and nulls vLLM serves, in wire order). Type-only: the builders in items.ts state what they return.
 */
import type { ResponsesRequest } from '../../protocol/responses.ts';

export interface OutputText {
  readonly type: 'output_text';
  readonly text: string;
  readonly annotations: readonly never[];
  readonly logprobs: readonly never[];
}

export interface ReasoningItem {
  readonly id: string;
  readonly type: 'reasoning';
  readonly summary: readonly never[];
  readonly content: readonly { readonly type: 'reasoning_text'; readonly text: string }[];
  readonly encrypted_content: null;
  readonly status: string;
}

export interface MessageItem {
  readonly id: string;
  readonly type: 'message';
  readonly role: 'assistant';
  readonly status: string;
  readonly content: readonly OutputText[];
}

export interface FunctionCallItem {
  readonly id: string;
  readonly type: 'function_call';
  readonly call_id: string;
  readonly name: string;
  readonly arguments: string;
  readonly status: string;
}

export type OutputItem = ReasoningItem | MessageItem | FunctionCallItem;

export interface ResponseUsage {
  readonly input_tokens: number;
  readonly input_tokens_details: { readonly cached_tokens: number };
  readonly output_tokens: number;
  readonly output_tokens_details: { readonly reasoning_tokens: number; readonly tool_output_tokens: number };
  readonly total_tokens: number;
}

/** The response object, every field as vLLM serves it (request fields echoed back). */
export interface ResponseObject {
  readonly id: string;
  readonly object: 'response';
  readonly created_at: number;
  readonly status: string;
  readonly error: null;
  readonly incomplete_details: { readonly reason: 'max_output_tokens' } | null;
  readonly instructions: string | null;
  readonly max_output_tokens: number;
  readonly max_tool_calls: null;
  readonly model: string;
  readonly output: readonly OutputItem[];
  readonly parallel_tool_calls: boolean;
  readonly previous_response_id: string | null;
  readonly prompt: null;
  readonly reasoning: NonNullable<ResponsesRequest['reasoning']> | null;
  readonly service_tier: 'auto';
  readonly store: boolean;
  readonly temperature: number;
  readonly text: NonNullable<ResponsesRequest['text']> | { readonly format: { readonly type: 'text' } };
  readonly tool_choice: NonNullable<ResponsesRequest['tool_choice']> | 'auto';
  readonly tools: NonNullable<ResponsesRequest['tools']> | readonly never[];
  readonly top_logprobs: 0;
  readonly top_p: number;
  readonly truncation: 'disabled';
  readonly usage: ResponseUsage | null;
  readonly user: null;
  readonly metadata: NonNullable<ResponsesRequest['metadata']> | null;
}
