/**
 * @module OpenAI Responses request (validated by its schema) → the shared conversation: instructions and input items as
 * messages, flat function tools, text.format.
 */
import { ApiError } from '../../protocol/errors.ts';
import { contentText } from '../../protocol/content-parts.ts';
import type { ResponsesRequest } from '../../protocol/responses.ts';
import type { ChatMessageLike } from '../../tokenizer/tokenizer.ts';
import { jsonConstraint, toolsAsk, type ToolChoiceAsk } from '../../pipeline/intent.ts';
import type { Constraint } from '../../generate/structured.ts';
import type { ConversationAsk } from '../../pipeline/conversation.ts';

type InputItem = Exclude<ResponsesRequest['input'], string | null | undefined>[number];

export interface ResponsesChat {
  readonly messages: ChatMessageLike[];
  /** Function tools as the chat template renders them, or null. */
  readonly templateTools: readonly unknown[] | null;
}

const invalid = (message: string, param: string | null = null): ApiError => new ApiError(400, 'invalid_request_error', message, param);

export function toChat(r: ResponsesRequest): ResponsesChat {
  if (r.input === undefined || r.input === null) throw invalid("Missing required parameter: 'input'.", 'input');
  if (r['prompt'] !== undefined && r['prompt'] !== null) throw invalid('prompt template is not supported', 'prompt');
  const messages: ChatMessageLike[] = [];
  if (typeof r.instructions === 'string') messages.push({ role: 'system', content: r.instructions });
  if (typeof r.input === 'string') messages.push({ role: 'user', content: r.input });
  else for (const item of r.input) messages.push(...itemMessages(item));
  const templateTools = functionsOf(r).map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }));
  return { messages, templateTools: templateTools.length > 0 ? templateTools : null };
}

/** What the answer is asked to be: text.format, the function tools and tool_choice, reasoning effort. */
export function responsesAsk(r: ResponsesRequest): ConversationAsk {
  const functions = functionsOf(r);
  const tools =
    functions.length > 0
      ? toolsAsk(
          functions.map((t) => ({ name: t.name as string, parameters: t.parameters ?? null })),
          toolChoice(r.tool_choice),
          r.parallel_tool_calls !== false,
        )
      : null;
  const effort = r.reasoning?.effort;
  return { constraint: constraintOf(r.text?.format), tools, reasoningEffort: typeof effort === 'string' ? effort : null, request: r };
}

/** Only function tools reach the model (the schema has checked that each has a name). */
const functionsOf = (r: ResponsesRequest) => (r.tools ?? []).filter((t) => t.type === 'function');

function constraintOf(format: NonNullable<ResponsesRequest['text']>['format']): Constraint | null {
  if (format?.type === 'json_schema') return jsonConstraint(format.schema);
  return format?.type === 'json_object' ? jsonConstraint(null) : null;
}

function itemMessages(it: InputItem): ChatMessageLike[] {
  if (it.type === 'function_call')
    return [{ role: 'assistant', content: '', tool_calls: [{ id: it.call_id, type: 'function', function: { name: it.name, arguments: it.arguments } }] }];
  if (it.type === 'function_call_output')
    return [{ role: 'tool', tool_call_id: it.call_id, content: typeof it['output'] === 'string' ? it['output'] : JSON.stringify(it['output']) }];
  if (it.type === 'reasoning') return [];
  const role = typeof it.role === 'string' ? it.role : 'user';
  return [{ role: role === 'developer' ? 'system' : role, content: contentText(it.content) }];
}

/** Responses names a function flat (`{"type": "function", "name"}`); other kinds (hosted, MCP, allowed tools) are `auto`. */
function toolChoice(choice: ResponsesRequest['tool_choice']): ToolChoiceAsk {
  if (choice === undefined || choice === null) return 'auto';
  if (typeof choice === 'string') return choice;
  return choice.type === 'function' ? { name: choice.name } : 'auto';
}
