/** @module Reads the request's output contract (response_format, structured_outputs / guided_*, tools + tool_choice, thinking) with vLLM's validation messages. */
import type { PrepModel } from '../serving/context.ts';
import { ApiError, errorTypeFor, errors, valueError } from '../protocol/errors.ts';
import type { Rule } from '../scenario/schema.ts';
import { matchRule } from '../scenario/rules.ts';
import { contentText } from '../protocol/content-parts.ts';
import { pyJsonDumps } from '../generate/pyjson.ts';
import { checkConstraint, checkToolSchema, ConstraintError, type Constraint } from '../generate/structured.ts';
import { promptSchema } from '../generate/prompt-schema.ts';
import type { FunctionTool, ToolSpec, ToolMode } from '../generate/tool-calls.ts';
import type { ReasoningSpec, CannedAnswer } from '../generate/output.ts';
import { chatCodeHint, type CodeHint } from './code-prompt.ts';

export interface OutputContract {
  readonly canned: CannedAnswer | null;
  readonly constraint: Constraint | null;
  readonly tools: ToolSpec | null;
  readonly reasoning: ReasoningSpec | null;
  /** Whether free text is code: read from the prompt (completions), a chat message asking for code, or prose. */
  readonly code: CodeHint;
}

type Body = Record<string, unknown>;

const EFFORT_SCALE: Readonly<Record<string, number>> = { none: 0, minimal: 0.15, low: 0.35, medium: 1, high: 2.5, xhigh: 4, max: 4 };

export function readOutputContract(model: PrepModel, body: Body, chat: boolean, rules: readonly Rule[] = []): OutputContract {
  const constraint = promptShaped(readConstraint(body), body, chat);
  const tools = chat ? readTools(model, body) : null;
  checked(() => {
    // Before anything recursive (hashing, ajv, generation) walks them: depth, size and regex limits are a 400.
    if (constraint) checkConstraint(constraint);
    for (const tool of tools?.tools ?? [])
      if (tool.parameters) checkToolSchema(tool.parameters, `the parameters schema of tool ${JSON.stringify(tool.name.slice(0, 64))}`);
  });
  if (tools && constraint && body['structured_outputs']) throw valueError('You can only either use constraints for structured outputs or tools, not both.');
  return {
    canned: cannedAnswer(model, body, chat, rules),
    constraint,
    tools,
    reasoning: chat ? readReasoning(model, body) : null,
    code: chat ? chatCodeHint(lastUserText(body, true)) : 'prompt',
  };
}

/** Applies the scenario's response rules; an `error` rule fails the request right here, before any generation. */
function cannedAnswer(model: PrepModel, body: Body, chat: boolean, rules: readonly Rule[]): CannedAnswer | null {
  if (rules.length === 0) return null;
  const rule = matchRule(rules, {
    model: typeof body['model'] === 'string' && body['model'] ? body['model'] : model.name,
    lastUserText: lastUserText(body, chat),
    body,
  });
  if (!rule) return null;
  const r = rule.respond;
  if ('error' in r) throw new ApiError(r.error.status, r.error.type ?? errorTypeFor(r.error.status), r.error.message);
  if ('content' in r) return { kind: 'content', text: r.content };
  if ('json' in r) return { kind: 'content', text: pyJsonDumps(r.json) };
  return { kind: 'tool_calls', calls: r.tool_calls };
}

function lastUserText(body: Body, chat: boolean): string {
  if (!chat)
    return typeof body['prompt'] === 'string'
      ? body['prompt']
      : Array.isArray(body['prompt']) && typeof body['prompt'][0] === 'string'
        ? body['prompt'][0]
        : '';
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = asObject(messages[i]);
    if (m?.['role'] !== 'user') continue;
    return contentText(m['content']);
  }
  return '';
}

function readConstraint(body: Body): Constraint | null {
  const so = asObject(body['structured_outputs']) ?? legacyGuided(body);
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
  const rf = asObject(body['response_format']);
  if (!rf || rf['type'] === 'text' || rf['type'] === undefined) return null;
  if (rf['type'] === 'json_object') return { kind: 'json', schema: null };
  if (rf['type'] === 'json_schema') {
    const js = asObject(rf['json_schema']);
    if (!js) throw valueError("When response_format type is 'json_schema', the 'json_schema' field must be provided.");
    const schema = js['schema'] ?? js['json_schema'];
    return { kind: 'json', schema: schema === undefined || schema === null ? null : schemaOf(schema) };
  }
  if (rf['type'] === 'structural_tag') throw errors.unsupportedConstraint('structural_tag constraints are not supported by llmsim');
  throw valueError(`response_format type must be one of 'text', 'json_object', 'json_schema' or 'structural_tag', got '${String(rf['type'])}'`);
}

/** JSON without a schema (`json_object`) takes the shape of a JSON Schema or example in the prompt, as clients in JSON mode expect. */
function promptShaped(constraint: Constraint | null, body: Body, chat: boolean): Constraint | null {
  if (constraint?.kind !== 'json' || constraint.schema !== null) return constraint;
  // Tool results are data, not instructions; every other message (few-shot assistant answers too) may show the shape.
  const messages = (Array.isArray(body['messages']) ? body['messages'] : []).map(asObject).filter((m) => m !== null && m['role'] !== 'tool');
  const schema = promptSchema(chat ? messages.map((m) => contentText(m?.['content'])) : [lastUserText(body, false)]);
  if (!schema) return constraint;
  try {
    checkConstraint({ kind: 'json', schema });
  } catch (err) {
    if (err instanceof ConstraintError) return constraint;
    throw err;
  }
  return { kind: 'json', schema, fromPrompt: true };
}

/** vLLM ≤ 0.10 top-level `guided_json` / `guided_regex` / `guided_choice` / `guided_grammar`. */
function legacyGuided(body: Body): Body | null {
  const out: Body = {};
  if (body['guided_json'] !== undefined && body['guided_json'] !== null) out['json'] = body['guided_json'];
  if (body['guided_regex'] !== undefined && body['guided_regex'] !== null) out['regex'] = body['guided_regex'];
  if (body['guided_choice'] !== undefined && body['guided_choice'] !== null) out['choice'] = body['guided_choice'];
  if (body['guided_grammar'] !== undefined && body['guided_grammar'] !== null) out['grammar'] = body['guided_grammar'];
  return Object.keys(out).length > 0 ? out : null;
}

function schemaOf(value: unknown): Record<string, unknown> {
  let schema = value;
  if (typeof value === 'string') {
    try {
      schema = JSON.parse(value);
    } catch {
      throw errors.unsupportedConstraint('invalid JSON schema: the schema string is not valid JSON');
    }
  }
  if (typeof schema === 'boolean') return schema ? {} : { not: {} };
  const obj = asObject(schema);
  if (!obj) throw errors.unsupportedConstraint('invalid JSON schema: a schema must be an object');
  return obj;
}

function readTools(model: PrepModel, body: Body): ToolSpec | null {
  const rawTools = body['tools'];
  const choice = body['tool_choice'] ?? (Array.isArray(rawTools) && rawTools.length > 0 ? 'auto' : 'none');
  if (!Array.isArray(rawTools) || rawTools.length === 0) return null;
  const tools: FunctionTool[] = rawTools.map((t) => {
    const fn = asObject(asObject(t)?.['function']);
    if (!fn || typeof fn['name'] !== 'string') throw valueError('Each tool must be {"type": "function", "function": {"name": ..., "parameters": ...}}.');
    const params = fn['parameters'];
    return { name: fn['name'], parameters: params === undefined || params === null ? null : schemaOf(params) };
  });
  let mode: ToolMode;
  if (typeof choice === 'string') {
    if (choice === 'none') return null;
    if (choice !== 'auto' && choice !== 'required')
      throw valueError(`Invalid value for \`tool_choice\`: ${choice}! Only named tools, "none", "auto" or "required" are supported.`);
    mode = choice;
  } else {
    const fn = asObject(asObject(choice)?.['function']);
    const example = 'Correct usage: `{"type": "function", "function": {"name": "my_function"}}`';
    if (!fn) throw valueError(`Invalid value for \`function\`: \`${JSON.stringify(asObject(choice)?.['function'] ?? null)}\` in \`tool_choice\`! ${example}`);
    if (typeof fn['name'] !== 'string') throw valueError(`Expected field \`name\` in \`function\` in \`tool_choice\`! ${example}`);
    if (!tools.some((t) => t.name === fn['name'])) throw valueError('The tool specified in `tool_choice` does not match any of the specified `tools`');
    mode = { name: fn['name'] };
  }
  // A model that has just been given tool results answers them in text (so client tool loops terminate).
  const messages = Array.isArray(body['messages']) ? body['messages'] : [];
  const afterToolResult = asObject(messages[messages.length - 1])?.['role'] === 'tool';
  return { tools, mode, parallel: body['parallel_tool_calls'] !== false, autoCallProbability: afterToolResult ? 0 : model.toolCallProbability };
}

function readReasoning(model: PrepModel, body: Body): ReasoningSpec | null {
  if (!model.reasoningParser) return null;
  const kwargs = asObject(body['chat_template_kwargs']);
  if (kwargs && kwargs['enable_thinking'] === false) return null;
  const effort = typeof body['reasoning_effort'] === 'string' ? body['reasoning_effort'] : 'medium';
  const scale = EFFORT_SCALE[effort] ?? 1;
  if (scale === 0) return null;
  return { parser: model.reasoningParser, medianTokens: Math.round(model.reasoningMedianTokens * scale) };
}

/** A constraint llmsim cannot honour is the client's fault: 400 with the reason. */
function checked(check: () => void): void {
  try {
    check();
  } catch (err) {
    if (err instanceof ConstraintError) throw errors.unsupportedConstraint(err.message);
    throw err;
  }
}

function asObject(value: unknown): Body | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : null;
}
