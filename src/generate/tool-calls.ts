/**
 * @module Decides whether and which tools a choice calls, generates schema-valid arguments, and writes the calls the way
 * the model would (Hermes/Qwen `<tool_call>` blocks for `auto`; vLLM's guided JSON for `required` and named choices).
 */
import type { RawPiece } from './compose.ts';
import { boundedSchemaText, type TextBudget } from './structured.ts';
import type { Rng } from './rng.ts';

export interface FunctionTool {
  readonly name: string;
  readonly parameters: Record<string, unknown> | null;
}

export type ToolMode = 'auto' | 'required' | { readonly name: string };

export interface ToolSpec {
  readonly tools: readonly FunctionTool[];
  readonly mode: ToolMode;
  readonly parallel: boolean;
  /** Chance that `auto` calls a tool at all (per model, scenario-configurable). */
  readonly autoCallProbability: number;
}

const EMPTY_PARAMS = { type: 'object', properties: {} };

/**
 * The tool-call pieces for one choice, or null when `auto` decided to answer in text. With a `budget`, arguments are
 * written lazily and cut past it (calls after a cut one are not written: the output ends there).
 */
export function planToolCalls(spec: ToolSpec, rng: Rng, budget: TextBudget | null = null): RawPiece[] | null {
  const { tools, mode } = spec;
  if (tools.length === 0) return null;
  if (mode === 'auto' && rng() >= spec.autoCallProbability) return null;
  const chosen: FunctionTool[] = [];
  if (typeof mode === 'object') {
    const tool = tools.find((t) => t.name === mode.name);
    if (tool) chosen.push(tool);
  } else {
    const count = spec.parallel ? 1 + (rng() < 0.3 ? 1 : 0) + (rng() < 0.1 ? 1 : 0) : 1;
    for (let i = 0; i < count; i++) chosen.push(tools[Math.floor(rng() * tools.length)] as FunctionTool);
  }
  const calls: { tool: FunctionTool; args: string; id: string }[] = [];
  for (const tool of chosen) {
    const args = boundedSchemaText(tool.parameters ?? EMPTY_PARAMS, rng, budget);
    calls.push({ tool, args: args.text, id: toolCallId(rng) });
    if (!args.complete) break;
  }
  if (typeof mode === 'object') {
    // Named tool choice: vLLM guides the output to the arguments JSON itself.
    const call = calls[0]!;
    return [{ kind: 'tool_call', raw: call.args, from: 0, to: call.args.length, toolName: call.tool.name, toolCallId: call.id }];
  }
  if (mode === 'required') {
    // `required`: guided JSON `[{"name": ..., "parameters": {...}}, ...]`; each call's arguments are its "parameters" value.
    const pieces: RawPiece[] = [];
    calls.forEach((call, i) => {
      const head = `${i === 0 ? '[' : ', '}{"name": ${JSON.stringify(call.tool.name)}, "parameters": `;
      const tail = `}${i === calls.length - 1 ? ']' : ''}`;
      pieces.push({
        kind: 'tool_call',
        raw: head + call.args + tail,
        from: head.length,
        to: head.length + call.args.length,
        toolName: call.tool.name,
        toolCallId: call.id,
      });
    });
    return pieces;
  }
  return calls.map((call, i) => hermesToolCall(call.tool.name, call.args, call.id, i));
}

/** One `<tool_call>` block as Hermes/Qwen models write it; the arguments are what the client sees. */
export function hermesToolCall(name: string, args: string, id: string, index: number): RawPiece {
  const head = `${index === 0 ? '' : '\n'}<tool_call>\n{"name": ${JSON.stringify(name)}, "arguments": `;
  const raw = `${head}${args}}\n</tool_call>`;
  return { kind: 'tool_call', raw, from: head.length, to: head.length + args.length, toolName: name, toolCallId: id };
}

export function toolCallId(rng: Rng): string {
  return `chatcmpl-tool-${hex32(rng)}`;
}

function hex32(rng: Rng): string {
  let out = '';
  for (let i = 0; i < 4; i++)
    out += Math.floor(rng() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return out;
}
