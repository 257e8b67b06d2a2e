/**
 * @module OpenAI chat and completion requests (as their zod schemas parsed them) → the output intent, once. The
 * schemas type `tools`, `tool_choice`, `response_format` and `structured_outputs` only as lists and dictionaries (as
 * vLLM's pydantic models, whose own validators word the errors), so their inner shape is checked here, in vLLM's
 * order and wording: constraints (structured_outputs, legacy guided_*, response_format), then tools and tool_choice.
 */
import { errors, valueError } from '../../protocol/errors.ts';
import type { ChatCompletionRequest } from '../../protocol/chat.ts';
import type { CompletionRequest } from '../../protocol/completions.ts';
import type { SharedFields } from '../../protocol/sampling-fields.ts';
import type { Constraint } from '../../generate/structured.ts';
import {
  asDict,
  functionTools,
  jsonConstraint,
  schemaOf,
  TOOL_CHOICE_NO_MATCH,
  toolChoiceAsk,
  toolsAsk,
  type OutputIntent,
  type ToolsAsk,
} from '../../pipeline/intent.ts';

type Dict = Record<string, unknown>;

export function chatIntent(r: ChatCompletionRequest): OutputIntent {
  const constraint = readConstraint(r);
  const tools = readTools(r);
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
  const so = r.structured_outputs ?? legacyGuided(r);
  if (so) {
    const kinds = ['json', 'regex', 'choice'].filter((k) => so[k] !== undefined && so[k] !== null);
    if (kinds.length > 1) throw valueError("You can only use one kind of constraints for structured outputs ('json', 'regex' or 'choice').");
    if (so['grammar'] !== undefined && so['grammar'] !== null)
      throw errors.unsupportedConstraint('grammar (EBNF/Lark) constraints are not supported by llmsim; use json, regex or choice');
    if (so['structural_tag'] !== undefined && so['structural_tag'] !== null)
      throw errors.unsupportedConstraint('structural_tag constraints are not supported by llmsim');
    if (so['json'] !== undefined && so['json'] !== null) return { kind: 'json', schema: schemaOf(so['json']) };
    if (typeof so['regex'] === 'string') return { kind: 'regex', pattern: so['regex'] };
    if (Array.isArray(so['choice'])) return { kind: 'choice', choices: so['choice'].map(String) };
    if (so['json_object']) return { kind: 'json', schema: null };
  }
  const rf = r.response_format;
  if (!rf || rf['type'] === 'text' || rf['type'] === undefined) return null;
  if (rf['type'] === 'json_object') return { kind: 'json', schema: null };
  if (rf['type'] === 'json_schema') {
    const js = asDict(rf['json_schema']);
    if (!js) throw valueError("When response_format type is 'json_schema', the 'json_schema' field must be provided.");
    return jsonConstraint(js['schema'] ?? js['json_schema']);
  }
  if (rf['type'] === 'structural_tag') throw errors.unsupportedConstraint('structural_tag constraints are not supported by llmsim');
  throw valueError(`response_format type must be one of 'text', 'json_object', 'json_schema' or 'structural_tag', got '${String(rf['type'])}'`);
}

/** vLLM ≤ 0.10 top-level `guided_json` / `guided_regex` / `guided_choice` / `guided_grammar`. */
function legacyGuided(r: SharedFields): Dict | null {
  const out: Dict = {};
  if (r.guided_json !== undefined && r.guided_json !== null) out['json'] = r.guided_json;
  if (r.guided_regex !== undefined && r.guided_regex !== null) out['regex'] = r.guided_regex;
  if (r.guided_choice !== undefined && r.guided_choice !== null) out['choice'] = r.guided_choice;
  if (r.guided_grammar !== undefined && r.guided_grammar !== null) out['grammar'] = r.guided_grammar;
  return Object.keys(out).length > 0 ? out : null;
}

/** Every tool's shape first, then the choice (a `none` choice still validates the tools, as vLLM). */
function readTools(r: ChatCompletionRequest): ToolsAsk | null {
  const raw = r.tools;
  if (!raw) return null;
  if (raw.length === 0) {
    // vLLM's check_tool_usage still checks the choice: an unknown string is a 400, and so is a named tool (none
    // matches); `auto` and `required` (which it turns into `none`) answer in text.
    if (typeof toolChoiceAsk(r.tool_choice ?? 'auto') === 'object') throw valueError(TOOL_CHOICE_NO_MATCH);
    return null;
  }
  return toolsAsk(functionTools(raw), toolChoiceAsk(r.tool_choice ?? 'auto'), r.parallel_tool_calls !== false);
}
