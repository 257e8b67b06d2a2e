/**
 * @module Who may ask for tool calls: vLLM's `--enable-auto-tool-choice` / `--tool-call-parser` rule. Without both, a
 * chat request whose `tool_choice` is not `none` (also the `auto` implied by `tools` alone) is vLLM's 400, and the
 * Responses API renders the tools but never extracts a call (responses/prepare.ts). Read from vLLM main's
 * OnlineRenderer.render_chat; which models have a parser: protocol/tool-parsers.ts.
 */
import { ApiError } from '../../protocol/errors.ts';
import type { ToolsAsk } from '../../pipeline/intent.ts';

/**
 * vLLM's serving-time check of a chat request (after the model is found, before the template renders): with no tool
 * parser, `auto` and `required`/named choices are 400 `BadRequestError` (`param` null). `choice` is the request's
 * `tool_choice` after vLLM's defaulting (`auto` when `tools` is non-empty and `tool_choice` absent).
 */
export function checkToolChoiceAccess(toolParser: string | null, choice: unknown): void {
  if (toolParser !== null || choice === null || choice === undefined || choice === 'none') return;
  if (choice === 'auto') throw new ApiError(400, 'BadRequestError', '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set');
  const name = namedFunction(choice);
  const desc = name !== null ? `function "${name}"` : `"${typeof choice === 'string' ? choice : String(choice)}"`;
  throw new ApiError(400, 'BadRequestError', `tool_choice=${desc} requires --tool-call-parser to be set`);
}

/** The same check on a dialect's typed tools ask (null: no tools, or `none`), for front ends vLLM serves through chat. */
export function checkToolAccess(toolParser: string | null, tools: ToolsAsk | null): void {
  if (!tools) return;
  const mode = tools.mode;
  checkToolChoiceAccess(toolParser, typeof mode === 'string' ? mode : { type: 'function', function: { name: mode.name } });
}

/** `tool_choice` as vLLM's chat protocol defaults it: absent with non-empty `tools` is `auto`, absent otherwise `none`. */
export function effectiveToolChoice(body: Readonly<Record<string, unknown>>): unknown {
  if (!('tool_choice' in body) || body['tool_choice'] === undefined) return Array.isArray(body['tools']) && body['tools'].length > 0 ? 'auto' : 'none';
  return body['tool_choice'];
}

function namedFunction(choice: unknown): string | null {
  if (choice === null || typeof choice !== 'object') return null;
  const fn = (choice as Record<string, unknown>)['function'];
  if (fn === null || typeof fn !== 'object') return null;
  const name = (fn as Record<string, unknown>)['name'];
  return typeof name === 'string' ? name : null;
}
