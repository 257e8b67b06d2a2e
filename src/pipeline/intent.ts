/**
 * @module The output intent: what a validated request asks of its answer (a constraint, tools, thinking, and the
 * text that scenario rules and prompt-shaped JSON read), typed. Each dialect builds it once from its own zod-parsed
 * request (OpenAI's fields in dialects/openai/output-intent.ts, the conversation dialects in their prepare modules);
 * output-contract.ts reads only this, never a request body.
 */
import { errors, valueError } from '../protocol/errors.ts';
import { TOOL_CHOICE_NO_MATCH } from '../protocol/openai-tools.ts';
import type { Constraint } from '../generate/structured.ts';
import type { FunctionTool, ToolMode } from '../generate/tool-calls.ts';

/** A conversation message as the contract reads it (role and content; content parts are joined by contentText). */
export interface IntentMessage {
  readonly role: string;
  readonly content?: unknown;
}

/** Tools the answer may call (`tool_choice: "none"` and an empty list are no tools at all). */
export interface ToolsAsk {
  readonly tools: readonly FunctionTool[];
  readonly mode: ToolMode;
  readonly parallel: boolean;
}

/** A tool choice as asked, `none` included. */
export type ToolChoiceAsk = 'none' | ToolMode;

export interface OutputIntent {
  /** A chat conversation (tools and thinking apply) or a completions prompt. */
  readonly chat: boolean;
  /** The name scenario rules match as `model` (null or empty: the served name). */
  readonly model: string | null | undefined;
  /** The conversation (chat); empty for completions. */
  readonly messages: readonly IntentMessage[];
  /** The first text prompt (completions); empty for chat. */
  readonly prompt: string;
  readonly constraint: Constraint | null;
  /** The constraint came from `structured_outputs`, which vLLM refuses together with tools. */
  readonly structuredOutputs: boolean;
  readonly tools: ToolsAsk | null;
  /** `enable_thinking` was not turned off (chat template kwargs, Ollama `think: false`, Anthropic `thinking.disabled`). */
  readonly thinking: boolean;
  readonly reasoningEffort: string | null;
  /** The request as its dialect validated it: what scenario `json_path` rules look into. */
  readonly request: Readonly<Record<string, unknown>>;
}

/** The tools to offer for `choice`; a named choice must be one of them (vLLM's wording). */
export function toolsAsk(tools: readonly FunctionTool[], choice: ToolChoiceAsk, parallel: boolean): ToolsAsk | null {
  if (tools.length === 0 || choice === 'none') return null;
  if (typeof choice === 'object' && !tools.some((t) => t.name === choice.name)) throw valueError(TOOL_CHOICE_NO_MATCH);
  return { tools, mode: choice, parallel };
}

/** A JSON Schema as given: an object, a boolean schema, or (vLLM accepts it) the schema as a JSON string. */
export function schemaOf(value: unknown): Record<string, unknown> {
  let schema = value;
  if (typeof value === 'string') {
    try {
      schema = JSON.parse(value);
    } catch {
      throw errors.unsupportedConstraint('invalid JSON schema: the schema string is not valid JSON');
    }
  }
  if (typeof schema === 'boolean') return schema ? {} : { not: {} };
  const obj = asDict(schema);
  if (!obj) throw errors.unsupportedConstraint('invalid JSON schema: a schema must be an object');
  return obj;
}

/** A JSON answer, with the schema when one is given (`null`/absent: any object, shaped by the prompt if it shows one). */
export function jsonConstraint(schema: unknown): Constraint {
  return { kind: 'json', schema: optionalSchema(schema) };
}

function optionalSchema(value: unknown): Record<string, unknown> | null {
  return value === undefined || value === null ? null : schemaOf(value);
}

export function asDict(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
