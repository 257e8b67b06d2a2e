/**
 * @module The request's output contract from its typed intent (pipeline/intent.ts): the constraint shaped by the prompt,
 * tools with the model's call probability, thinking, scenario rules, and the limits that make a hostile schema a 400.
 */
import type { PrepModel } from '../serving/context.ts';
import { ApiError, errorTypeFor, errors, valueError } from '../protocol/errors.ts';
import type { Rule } from '../scenario/schema.ts';
import { matchRule } from '../scenario/rules.ts';
import { contentText } from '../protocol/content-parts.ts';
import { pyJsonDumps } from '../generate/pyjson.ts';
import { checkConstraint, checkToolSchema, ConstraintError, type Constraint } from '../generate/structured.ts';
import { promptSchema } from '../generate/prompt-schema.ts';
import type { ToolSpec } from '../generate/tool-calls.ts';
import type { ReasoningSpec, CannedAnswer } from '../generate/output.ts';
import { chatCodeHint, type CodeHint } from './code-prompt.ts';
import type { IntentMessage, OutputIntent, ToolsAsk } from './intent.ts';

export interface OutputContract {
  readonly canned: CannedAnswer | null;
  readonly constraint: Constraint | null;
  readonly tools: ToolSpec | null;
  readonly reasoning: ReasoningSpec | null;
  /** Whether free text is code: read from the prompt (completions), a chat message asking for code, or prose. */
  readonly code: CodeHint;
}

const EFFORT_SCALE: Readonly<Record<string, number>> = { none: 0, minimal: 0.15, low: 0.35, medium: 1, high: 2.5, xhigh: 4, max: 4 };

export function readOutputContract(model: PrepModel, intent: OutputIntent, rules: readonly Rule[] = []): OutputContract {
  const constraint = promptShaped(intent);
  const tools = intent.tools ? toolSpec(model, intent.tools, intent.messages) : null;
  checked(() => {
    // Before anything recursive (hashing, ajv, generation) walks them: depth, size and regex limits are a 400.
    if (constraint) checkConstraint(constraint);
    for (const tool of tools?.tools ?? [])
      if (tool.parameters) checkToolSchema(tool.parameters, `the parameters schema of tool ${JSON.stringify(tool.name.slice(0, 64))}`);
  });
  if (tools && constraint && intent.structuredOutputs) throw valueError('You can only either use constraints for structured outputs or tools, not both.');
  return {
    canned: cannedAnswer(model, intent, rules),
    constraint,
    tools,
    reasoning: intent.chat ? readReasoning(model, intent) : null,
    code: intent.chat ? chatCodeHint(lastUserText(intent)) : 'prompt',
  };
}

/** Applies the scenario's response rules; an `error` rule fails the request right here, before any generation. */
function cannedAnswer(model: PrepModel, intent: OutputIntent, rules: readonly Rule[]): CannedAnswer | null {
  if (rules.length === 0) return null;
  const rule = matchRule(rules, { model: intent.model || model.name, lastUserText: lastUserText(intent), body: intent.request });
  if (!rule) return null;
  const r = rule.respond;
  if ('error' in r) throw new ApiError(r.error.status, r.error.type ?? errorTypeFor(r.error.status), r.error.message);
  if ('content' in r) return { kind: 'content', text: r.content };
  if ('json' in r) return { kind: 'content', text: pyJsonDumps(r.json) };
  return { kind: 'tool_calls', calls: r.tool_calls };
}

/** The last user message's text (chat) or the prompt (completions). */
function lastUserText(intent: OutputIntent): string {
  if (!intent.chat) return intent.prompt;
  const messages = intent.messages;
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === 'user') return contentText(messages[i]?.content);
  return '';
}

/** JSON without a schema (`json_object`) takes the shape of a JSON Schema or example in the prompt, as clients in JSON mode expect. */
function promptShaped(intent: OutputIntent): Constraint | null {
  const constraint = intent.constraint;
  if (constraint?.kind !== 'json' || constraint.schema !== null) return constraint;
  // Tool results are data, not instructions; every other message (few-shot assistant answers too) may show the shape.
  const texts = intent.chat ? intent.messages.filter((m) => m.role !== 'tool').map((m) => contentText(m.content)) : [intent.prompt];
  const schema = promptSchema(texts);
  if (!schema) return constraint;
  try {
    checkConstraint({ kind: 'json', schema });
  } catch (err) {
    if (err instanceof ConstraintError) return constraint;
    throw err;
  }
  return { kind: 'json', schema, fromPrompt: true };
}

function toolSpec(model: PrepModel, ask: ToolsAsk, messages: readonly IntentMessage[]): ToolSpec {
  // A model that has just been given tool results answers them in text (so client tool loops terminate).
  const afterToolResult = messages[messages.length - 1]?.role === 'tool';
  return { ...ask, autoCallProbability: afterToolResult ? 0 : model.toolCallProbability };
}

function readReasoning(model: PrepModel, intent: OutputIntent): ReasoningSpec | null {
  if (!model.reasoningParser || !intent.thinking) return null;
  const scale = EFFORT_SCALE[intent.reasoningEffort ?? 'medium'] ?? 1;
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
