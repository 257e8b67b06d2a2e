/**
 * @module Named types for the OpenAI-dialect bodies llmsim builds, as vLLM serialises them: the OpenAI API's
 * shapes (`CreateChatCompletionResponse`, `CreateCompletionResponse`, `Model`, `ListModelsResponse` in
 * openai-openapi.json; openai-node's `ChatCompletion`, `Completion`) with vLLM's extra fields (`stop_reason`,
 * `token_ids`, `prompt_logprobs`, `kv_transfer_params`, `reasoning`, the model card's `root`/`parent`/`permission`)
 * and vLLM's nulls where the API leaves a field out. Field order is the wire order (pydantic's declaration order).
 * Type-only: the builders (chat-response.ts, completion-choice.ts, completions.ts, models.ts) state what they build.
 * The shared pieces are typed where they are made (logprob-format.ts, usage.ts, generate/, pipeline/kv-transfer.ts),
 * which is why this file sits beside the builders and not in protocol/ (request schemas, importing nothing above it).
 */
import type { FinishReason } from '../../generate/plan.ts';
import type { PromptLogprobEntry } from '../../generate/logprobs.ts';
import type { KvTransferParams } from '../../pipeline/kv-transfer.ts';
import type { ChatLogprobEntry, CompletionLogprobs } from './logprob-format.ts';
import type { MaybeRaw } from '../../protocol/raw-json.ts';
import type { Usage } from './usage.ts';

/** vLLM's `stop_reason`: the stop string or stop token id that ended the choice, else null. */
export type StopReason = string | number | null;

/** `prompt_logprobs` (vLLM): per prompt position, null for the first (it has no context). */
export type PromptLogprobs = (PromptLogprobEntry | null)[] | null;

/** `ChatCompletionMessageToolCall` (function tools only: llmsim plans no custom tool calls). */
export interface ChatCompletionMessageToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** vLLM's `ChatMessage`: the API's `ChatCompletionResponseMessage` with vLLM's nulls and its reasoning fields. */
export interface ChatCompletionMessage {
  /** `assistant`, or the last message's role when `add_generation_prompt` is false (vLLM). */
  role: string;
  /** Null when the model only called tools or only thought (vLLM). */
  content: string | null;
  refusal: null;
  annotations: null;
  audio: null;
  function_call: null;
  tool_calls: ChatCompletionMessageToolCall[];
  reasoning: string | null;
  reasoning_content: string | null;
}

/** vLLM's `ChatCompletionResponseChoice`. */
export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  /** Rendered text when the preparation rendered it (chat-logprobs-render.ts). */
  logprobs: MaybeRaw<{ content: ChatLogprobEntry[] }> | null;
  finish_reason: FinishReason;
  stop_reason: StopReason;
  token_ids: readonly number[] | null;
}

/** `POST /v1/chat/completions` without `stream` (vLLM's `ChatCompletionResponse`). */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  service_tier: null;
  system_fingerprint: null;
  usage: Usage;
  prompt_logprobs: MaybeRaw<PromptLogprobs>;
  prompt_token_ids: readonly number[] | null;
  kv_transfer_params: KvTransferParams | null;
}

/** vLLM's `CompletionResponseChoice` (`index = prompt_idx * n + j`). */
export interface CompletionChoice {
  index: number;
  text: string;
  /** Rendered text when the prompt's logprobs are part of it (echo; prompt-logprobs-render.ts). */
  logprobs: MaybeRaw<CompletionLogprobs> | null;
  finish_reason: FinishReason;
  stop_reason: StopReason;
  token_ids: readonly number[] | null;
  prompt_logprobs: MaybeRaw<PromptLogprobs>;
  prompt_token_ids: readonly number[] | null;
}

/** `POST /v1/completions` without `stream` (vLLM's `CompletionResponse`). */
export interface Completion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: CompletionChoice[];
  service_tier: null;
  system_fingerprint: null;
  usage: Usage;
  kv_transfer_params: KvTransferParams | null;
}

/** vLLM's `ModelPermission` (every card carries one). */
export interface ModelPermission {
  id: string;
  object: 'model_permission';
  created: number;
  allow_create_engine: boolean;
  allow_sampling: boolean;
  allow_logprobs: boolean;
  allow_search_indices: boolean;
  allow_view: boolean;
  allow_fine_tuning: boolean;
  organization: string;
  group: null;
  is_blocking: boolean;
}

/** vLLM's `ModelCard`: the API's `Model` plus `root`, `parent`, `max_model_len`, `permission`. */
export interface Model {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  /** The base model's path, or the LoRA adapter's. */
  root: string;
  /** Null for a base model; the base model's name for a LoRA adapter. */
  parent: string | null;
  /** Null for a LoRA adapter (vLLM). */
  max_model_len: number | null;
  permission: ModelPermission[];
}

/** `GET /v1/models` (vLLM's `ModelList`). */
export interface ModelList {
  object: 'list';
  data: Model[];
}
