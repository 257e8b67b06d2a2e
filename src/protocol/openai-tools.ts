/**
 * @module The OpenAI chat `tools` and `tool_choice` fields as vLLM's pydantic models type them (`FunctionDefinition`,
 * `ChatCompletionToolsParam`, `ChatCompletionNamedToolChoiceParam`), and vLLM's `check_tool_usage`. That validator is
 * `mode="before"`: it reads the raw body ahead of field validation, so its messages win over the fields' own errors,
 * and what it lets through is typed by the schemas here (a named choice of `type: "tool"` is then pydantic's union
 * error).
 */
import type { z } from 'zod';
import { valueError } from './errors.ts';
import { opt, pDict, pStr, pUnion } from './fields.ts';
import { lBool, pLiteral, pModel } from './lax-fields.ts';
import { pyStrOf } from './pyformat.ts';

export const FunctionDefinitionSchema = pModel('FunctionDefinition', {
  name: pStr(),
  description: opt(pStr()),
  parameters: opt(pDict()),
  strict: opt(lBool()),
  defer_loading: opt(lBool()),
});

/** `type: Literal["function"] = "function"`: absent is fine, `null` or another word is a literal error. */
export const ChatToolSchema = pModel('ChatCompletionToolsParam', {
  type: pLiteral(['function']).optional(),
  function: FunctionDefinitionSchema,
  defer_loading: opt(lBool()),
});
export type ChatTool = z.infer<typeof ChatToolSchema>;

export const NamedToolChoiceSchema = pModel('ChatCompletionNamedToolChoiceParam', {
  function: pModel('ChatCompletionNamedFunction', { name: pStr() }),
  type: pLiteral(['function']).optional(),
});

/** `Literal["none"] | Literal["auto"] | Literal["required"] | ChatCompletionNamedToolChoiceParam`, each member labelled as pydantic labels it. */
export const ChatToolChoiceSchema = pUnion(
  ["literal['none']", "literal['auto']", "literal['required']", 'ChatCompletionNamedToolChoiceParam'],
  [pLiteral(['none']), pLiteral(['auto']), pLiteral(['required']), NamedToolChoiceSchema],
);
export type ChatToolChoice = z.infer<typeof ChatToolChoiceSchema>;

/** vLLM's wording for a named `tool_choice` that none of the tools is. */
export const TOOL_CHOICE_NO_MATCH = 'The tool specified in `tool_choice` does not match any of the specified `tools`';

const CORRECT_USAGE = 'Correct usage: `{"type": "function", "function": {"name": "my_function"}}`';

/**
 * vLLM's `check_tool_usage` on the raw body, in its order and wording (values as Python's f-strings print them). An
 * absent choice is `auto` with tools and checks nothing; an explicit `null` skips the check, as vLLM's `is not None`.
 */
export function checkToolUsage(body: Readonly<Record<string, unknown>>): void {
  const choice = body['tool_choice'];
  if (choice === undefined || choice === null || choice === 'none') return;
  const tools = body['tools'];
  if (tools === undefined || tools === null) throw valueError('When using `tool_choice`, `tools` must be set.');
  if (choice === 'auto' || choice === 'required') return;
  if (!isDict(choice)) throw valueError(`Invalid value for \`tool_choice\`: ${pyStrOf(choice)}! Only named tools, "none", "auto" or "required" are supported.`);
  const fn = choice['function'];
  if (!isDict(fn)) throw valueError(`Invalid value for \`function\`: \`${pyStrOf(fn ?? null)}\` in \`tool_choice\`! ${CORRECT_USAGE}`);
  if (!('name' in fn)) throw valueError(`Expected field \`name\` in \`function\` in \`tool_choice\`! ${CORRECT_USAGE}`);
  const name = fn['name'];
  if (typeof name !== 'string' || name === '') throw valueError(`Invalid \`name\` in \`function\`: \`${pyStrOf(name)}\` in \`tool_choice\`! ${CORRECT_USAGE}`);
  // vLLM reads tool["function"]["name"] of every tool: a malformed list is its 500; here the field check reports it.
  if (!Array.isArray(tools)) return;
  const names: unknown[] = [];
  for (const t of tools) {
    if (!isDict(t) || !isDict(t['function'])) return;
    names.push(t['function']['name']);
  }
  if (!names.includes(name)) throw valueError(TOOL_CHOICE_NO_MATCH);
}

function isDict(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
