/** @module Plans a whole choice from the request's output contract: optional reasoning, then tool calls, constrained JSON/regex/choice, or free text. */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { planChoice, type ChoicePlan, type PlanOptions } from './plan.ts';
import { composePlan, type RawPiece } from './compose.ts';
import { boundedConstrainedText, type BoundedText, type Constraint } from './structured.ts';
import { planToolCalls, hermesToolCall, toolCallId, type ToolSpec } from './tool-calls.ts';
import { pyJsonDumps } from './pyjson.ts';
import { proseChain, nextProseToken } from './chains.ts';
import { randNormal, type Rng } from './rng.ts';

export type ReasoningParser = 'qwen3' | 'deepseek_r1';

export interface ReasoningSpec {
  readonly parser: ReasoningParser;
  /** Typical thinking length in tokens (scaled by `reasoning_effort`). */
  readonly medianTokens: number;
}

/** A scenario rule's fixed answer: exact text, or exact tool calls (ids still come from the choice's stream). */
export type CannedAnswer =
  | { readonly kind: 'content'; readonly text: string }
  | { readonly kind: 'tool_calls'; readonly calls: readonly { readonly name: string; readonly arguments: unknown }[] };

export interface OutputSpec extends PlanOptions {
  readonly canned: CannedAnswer | null;
  readonly constraint: Constraint | null;
  readonly tools: ToolSpec | null;
  readonly reasoning: ReasoningSpec | null;
  /** A separate stream for the tool/structure decisions, so they do not shift the text stream. */
  readonly structureRng: Rng;
}

export function planOutput(spec: OutputSpec): ChoicePlan {
  const thinking = spec.reasoning ? reasoningPiece(spec.tokenizer, spec.reasoning, spec.structureRng) : null;
  const thinkingTokens = thinking?.ids?.length ?? 0;
  if (thinking && thinkingTokens >= spec.maxTokens) return composePlan(spec.tokenizer, [thinking], { maxTokens: spec.maxTokens, eos: false, finish: 'length' });
  const budget = spec.maxTokens - thinkingTokens;
  const lead = thinking ? [thinking] : [];
  if (spec.canned?.kind === 'content') {
    const text = spec.canned.text;
    return composePlan(spec.tokenizer, [...lead, { kind: 'content', raw: text, from: 0, to: text.length }], {
      maxTokens: spec.maxTokens,
      eos: true,
      finish: 'stop',
    });
  }
  if (spec.canned?.kind === 'tool_calls') {
    return composePlan(spec.tokenizer, [...lead, ...cannedToolCalls(spec.canned.calls, spec.structureRng)], {
      maxTokens: spec.maxTokens,
      eos: true,
      finish: 'tool_calls',
    });
  }
  // Structured parts are written lazily and cut at the content budget, as guided decoding stops at max_tokens.
  const textBudget = { tokenizer: spec.tokenizer, maxTokens: budget };
  const calls = spec.tools ? planToolCalls(spec.tools, spec.structureRng, textBudget) : null;
  if (calls) return composePlan(spec.tokenizer, [...lead, ...calls], { maxTokens: spec.maxTokens, eos: true, finish: 'tool_calls' });
  if (spec.constraint) {
    const out = boundedConstrainedText(spec.constraint, spec.structureRng, textBudget);
    return composePlan(spec.tokenizer, [...lead, contentPiece(out)], {
      maxTokens: spec.maxTokens,
      eos: out.complete,
      finish: out.complete ? 'stop' : 'length',
    });
  }
  const body = planChoice(spec, budget);
  if (!thinking) return body;
  const head = composePlan(spec.tokenizer, [thinking], { maxTokens: thinkingTokens, eos: false, finish: 'stop' });
  return prepend(head, body);
}

/** A constrained answer as the content piece; a cut one brings its token ids (the budget check already encoded them). */
function contentPiece(out: BoundedText): RawPiece {
  return out.ids
    ? { kind: 'content', raw: out.text, from: 0, to: out.text.length, ids: out.ids }
    : { kind: 'content', raw: out.text, from: 0, to: out.text.length };
}

/** Qwen3 writes `<think>\n…\n</think>\n\n`; DeepSeek-R1's prompt already opened `<think>`, so it writes `…\n</think>\n\n`. */
function reasoningPiece(tokenizer: Tokenizer, spec: ReasoningSpec, rng: Rng): RawPiece {
  const chain = proseChain(tokenizer);
  const count = Math.max(4, Math.round(spec.medianTokens * Math.exp(0.5 * randNormal(rng))));
  const ids: number[] = [];
  let prev: number | undefined;
  for (let i = 0; i < count; i++) ids.push((prev = nextProseToken(chain, rng, prev)));
  if (ids[ids.length - 1] !== chain.fullStop) ids.push(chain.fullStop);
  const text = ids.map((id) => tokenizer.tokenText(id)).join('');
  const open = spec.parser === 'qwen3' ? '<think>\n' : '';
  const raw = `${open}${text}\n</think>\n\n`;
  return {
    kind: 'reasoning',
    raw,
    from: open.length,
    to: open.length + text.length,
    ids: [...tokenizer.encode(open), ...ids, ...tokenizer.encode('\n</think>\n\n')],
  };
}

/** Reasoning tokens first, then the content plan (its channels shifted). */
function prepend(head: ChoicePlan, body: ChoicePlan): ChoicePlan {
  const h = head.tokenCount;
  const reasoningFull = head.reasoning?.text.length ?? 0;
  // Every field spelled out: the body may be a lazy plan whose ids and text are getters (a spread would drop them).
  return {
    tokenCount: h + body.tokenCount,
    tokenIds: [...head.tokenIds, ...body.tokenIds],
    cumChars: [...new Array<number>(h).fill(0), ...body.cumChars],
    text: body.text,
    holdback: body.holdback,
    finishReason: body.finishReason,
    stopReason: body.stopReason,
    reasoning: head.reasoning ? { text: head.reasoning.text, cum: [...head.reasoning.cum, ...new Array<number>(body.tokenCount).fill(reasoningFull)] } : null,
    toolCalls: body.toolCalls.map((c) => ({ ...c, firstToken: c.firstToken + h, cum: [...new Array<number>(h).fill(0), ...c.cum] })),
  };
}

function cannedToolCalls(calls: readonly { readonly name: string; readonly arguments: unknown }[], rng: Rng): RawPiece[] {
  return calls.map((call, i) => hermesToolCall(call.name, pyJsonDumps(call.arguments), toolCallId(rng), i));
}
