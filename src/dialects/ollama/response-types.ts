/**
 * @module Named types for the Ollama bodies llmsim builds, after Ollama's api types (ollama-js `GenerateResponse`,
 * `ChatResponse`, `Message`, `ToolCall`, `ModelDetails`) with what Ollama's server writes: `created_at` as an RFC 3339
 * string, `thinking` and `tool_calls` only when there are some, `context_length` in the details. Type-only: the
 * builders (generate.ts, info.ts) state what they build.
 */

/** A tool call, whole (Ollama sends it in one chunk); `arguments` is the parsed JSON the model wrote. */
export interface ToolCall {
  function: { name: string; arguments: unknown };
}

/** The assistant's message in a chat line. */
export interface Message {
  role: 'assistant';
  content: string;
  thinking?: string;
  tool_calls?: ToolCall[];
}

/** What a line adds: `/api/generate` text (and thinking), or an `/api/chat` message. */
export type GenerationPiece = { response: string; thinking?: string } | { message: Message };

/** The last line's (or the whole answer's) totals, durations in nanoseconds of simulated time. */
export interface GenerationDone {
  done: true;
  done_reason: 'stop' | 'length';
  total_duration: number;
  load_duration: number;
  prompt_eval_count: number;
  prompt_eval_duration: number;
  eval_count: number;
  eval_duration: number;
}

/** One NDJSON line or the non-streamed answer of `/api/generate` and `/api/chat`. */
export type GenerationLine = { model: string; created_at: string } & GenerationPiece & (GenerationDone | { done: false });

/** `details` of `/api/tags`, `/api/ps` and `/api/show`. */
export interface ModelDetails {
  parent_model: string;
  format: string;
  family: string;
  families: string[];
  parameter_size: string;
  quantization_level: string;
  context_length: number;
}
