/**
 * @module The shape of one choice's planned output, shared by the planners (plan.ts, prose-plan.ts) and everything
 * that releases or serialises it. Types only, so planners can depend on it without depending on each other.
 */

export type FinishReason = 'stop' | 'length' | 'tool_calls';

export interface ChoicePlan {
  /** How many tokens the choice generates (`tokenIds.length`, without building the ids of a lazy plan). */
  readonly tokenCount: number;
  /** Every generated token id, including a final EOS or stop token. */
  readonly tokenIds: readonly number[];
  /** Cumulative decoded characters after each token (before stop truncation). */
  readonly cumChars: readonly number[];
  /** The final visible text. */
  readonly text: string;
  /** Characters held back while streaming because they could start a stop string. */
  readonly holdback: number;
  readonly finishReason: FinishReason;
  readonly stopReason: string | number | null;
  /** Thinking text (reasoning parser), released before the content; null for non-reasoning output. */
  readonly reasoning: Channel | null;
  /** Tool calls parsed from the output, in order. */
  readonly toolCalls: readonly ToolCallPlan[];
}

/** Text released token by token: `cum[i]` = characters visible after token i (one entry per token of the plan). */
export interface Channel {
  readonly text: string;
  readonly cum: readonly number[];
}

export interface ToolCallPlan extends Channel {
  readonly id: string;
  readonly name: string;
  /** The call is announced (id, name) with the delta of this token index. */
  readonly firstToken: number;
}
