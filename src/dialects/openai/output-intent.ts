/**
 * @module OpenAI chat and completion requests (as their zod schemas parsed them) → the output intent, once. `tools`,
 * `tool_choice` and `response_format` arrive typed (protocol/openai-tools.ts, protocol/response-format.ts; vLLM's
 * before-validators ran on the raw body), and so do `structured_outputs` and the legacy guided_* fields
 * (protocol/structured-outputs.ts, which allows one kind): what is left here is which constraint llmsim can honour.
 */
import { errors } from '../../protocol/errors.ts';
import { structuredOutputsOf } from '../../protocol/structured-outputs.ts';
import type { ChatCompletionRequest } from '../../protocol/chat.ts';
import type { CompletionRequest } from '../../protocol/completions.ts';
import type { SharedFields } from '../../protocol/sampling-fields.ts';
import type { Constraint } from '../../generate/structured.ts';
import { jsonConstraint, schemaOf, toolsAsk, type OutputIntent, type ToolChoiceAsk, type ToolsAsk } from '../../pipeline/intent.ts';

/** `toolParser`: the served model's (null: none), which decides what an explicit `tool_choice: null` streams. */
export function chatIntent(r: ChatCompletionRequest, toolParser: string | null = null): OutputIntent {
  const constraint = readConstraint(r);
  const tools = readTools(r, toolParser);
  const kwargs = r.chat_template_kwargs;
  return {
    chat: true,
    model: r.model,
    messages: r.messages,
    prompt: '',
    constraint,
    structuredOutputs: !!r.structured_outputs,
    tools,
    thinking: !(kwargs && kwargs['enable_thinking'] === false),
    reasoningEffort: r.reasoning_effort ?? null,
    request: r,
  };
}

export function completionIntent(r: CompletionRequest): OutputIntent {
  const p = r.prompt;
  return {
    chat: false,
    model: r.model,
    messages: [],
    prompt: typeof p === 'string' ? p : Array.isArray(p) && typeof p[0] === 'string' ? p[0] : '',
    constraint: readConstraint(r),
    structuredOutputs: !!r.structured_outputs,
    tools: null,
    thinking: false,
    reasoningEffort: null,
    request: r,
  };
}

function readConstraint(r: SharedFields): Constraint | null {
  const so = structuredOutputsOf(r);
  if (so) {
    if (so.grammar !== undefined && so.grammar !== null)
      throw errors.unsupportedConstraint('grammar (EBNF/Lark) constraints are not supported by llmsim; use json, regex or choice');
    if (so.structural_tag !== undefined && so.structural_tag !== null)
      throw errors.unsupportedConstraint('structural_tag constraints are not supported by llmsim');
    if (so.json !== undefined && so.json !== null) return { kind: 'json', schema: schemaOf(so.json) };
    if (typeof so.regex === 'string') return { kind: 'regex', pattern: so.regex };
    if (so.choice) return { kind: 'choice', choices: so.choice };
    if (so.json_object) return { kind: 'json', schema: null };
  }
  const rf = r.response_format;
  if (!rf || rf.type === 'text') return null;
  if (rf.type === 'json_object') return { kind: 'json', schema: null };
  // `json_schema.json_schema` (not the wire name, an extra key to vLLM) has always been read as the schema too.
  if (rf.type === 'json_schema') return jsonConstraint(rf.json_schema?.schema ?? rf.json_schema?.['json_schema']);
  throw errors.unsupportedConstraint('structural_tag constraints are not supported by llmsim');
}

/**
 * The tools and the choice, typed (checkToolUsage has matched a named choice). An empty list answers in text, as
 * vLLM ≤ 0.11 (`required` becomes `none`).
 */
function readTools(r: ChatCompletionRequest, toolParser: string | null): ToolsAsk | null {
  const tools = r.tools;
  if (!tools || tools.length === 0) return null;
  const fns = tools.map((t) => ({ name: t.function.name, parameters: t.function.parameters ?? null }));
  return toolsAsk(fns, toolChoiceOf(r, toolParser), r.parallel_tool_calls !== false);
}

/**
 * Absent with tools is `auto`. An explicit `null` is vLLM's odd case: the tools are still rendered, the full answer
 * is text (its `not request.tool_choice` branch) but a stream is run through the tool parser as `auto` (`tool_choice
 * != "none"`), so calls come only when streaming from a server with a tool parser.
 */
function toolChoiceOf(r: ChatCompletionRequest, toolParser: string | null): ToolChoiceAsk {
  const c = r.tool_choice;
  if (c === undefined) return 'auto';
  if (c === null) return r.stream && toolParser !== null ? 'auto' : 'none';
  return typeof c === 'string' ? c : { name: c.function.name };
}
