/**
 * @module A free-prose answer planned lazily. Most load-test traffic asks for plain text (no stop strings, tools,
 * reasoning or logprobs): its length and finish are known up front, and its tokens are a walk of the prose chain, so
 * the plan keeps only the random stream's starting state and replays the walk on demand. A stream releasing 1,000
 * tokens then holds ~1 KB instead of the whole answer (ids, offsets and text: ~25 KB as JS arrays and strings), and
 * the ids and text are built only if something asks for them (a non-streamed body, `return_token_ids`).
 *
 * Same tokens as the eager planner, by construction: both draw `nextProseToken` from the same stream, in order.
 */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import type { ChoicePlan, FinishReason, ToolCallPlan } from './choice-plan.ts';
import { proseChain, nextProseToken, type ProseChain } from './chains.ts';
import { rngState, rngFromState, type Rng } from './rng.ts';

const NO_TOOL_CALLS: readonly ToolCallPlan[] = Object.freeze([]);

interface Walk {
  readonly rng: Rng;
  prev: number | undefined;
  /** Tokens walked so far. */
  at: number;
}

export interface ProseWire {
  readonly start: object;
  readonly content: number;
  readonly hitEos: boolean;
}

export class ProsePlan implements ChoicePlan {
  readonly tokenCount: number;
  readonly holdback = 0;
  readonly finishReason: FinishReason;
  readonly stopReason = null;
  readonly reasoning = null;
  readonly toolCalls = NO_TOOL_CALLS;
  readonly #tokenizer: Tokenizer;
  readonly #chain: ProseChain;
  /** The content stream's state where the first token is drawn, for walks that start over. */
  readonly #start: object;
  /** The content stream itself, untouched until the first walk takes it (saves seeding a copy). */
  #fresh: Rng | null;
  /** Content tokens before the EOS token (`tokenCount - 1` when the answer ends naturally). */
  readonly #content: number;
  #walk: Walk | null = null;
  #ids: number[] | null = null;
  #cum: number[] | null = null;
  #text: string | null = null;

  /** `rng` must be forkable (`createRng`); `hitEos` adds the EOS token after `content` tokens. */
  constructor(tokenizer: Tokenizer, rng: Rng, content: number, hitEos: boolean) {
    this.#tokenizer = tokenizer;
    this.#chain = proseChain(tokenizer);
    this.#start = rngState(rng);
    this.#fresh = rng;
    this.#content = content;
    this.tokenCount = content + (hitEos ? 1 : 0);
    this.finishReason = hitEos ? 'stop' : 'length';
  }

  /** The plan as plain data (a preparation worker sends it to the engine's thread): where its walk starts. */
  toWire(): ProseWire {
    return { start: this.#start, content: this.#content, hitEos: this.finishReason === 'stop' };
  }

  /** The same plan, rebuilt on another thread from `toWire()`: the same tokens, by the same walk. */
  static fromWire(tokenizer: Tokenizer, wire: ProseWire): ProsePlan {
    return new ProsePlan(tokenizer, rngFromState(wire.start), wire.content, wire.hitEos);
  }

  get tokenIds(): readonly number[] {
    return this.#materialize().ids;
  }

  get cumChars(): readonly number[] {
    return this.#materialize().cum;
  }

  /** The whole answer's text; built on its own (no ids or offsets) when that is all that is asked for. */
  get text(): string {
    if (this.#text === null) {
      const walk = this.#newWalk();
      const pieces: string[] = [];
      while (walk.at < this.#content) pieces.push(this.#step(walk));
      this.#text = pieces.join('');
    }
    return this.#text;
  }

  /** Visible text of tokens (from, upTo]: walked forward from the last call, without building the whole answer. */
  textBetween(from: number, upTo: number): string {
    const end = Math.min(upTo, this.tokenCount);
    if (end <= from) return '';
    if (this.#ids) {
      const cum = this.#cum as number[];
      return (this.#text as string).slice(from > 0 ? cum[from - 1] : 0, cum[end - 1]);
    }
    let walk = this.#walk;
    if (!walk || walk.at > from) walk = this.#walk = this.#newWalk();
    while (walk.at < from) this.#step(walk);
    let out = '';
    while (walk.at < end) out += this.#step(walk);
    return out;
  }

  /** A walk from the first token: on the original stream the first time, on a copy of its start after that. */
  #newWalk(): Walk {
    const rng = this.#fresh ?? rngFromState(this.#start);
    this.#fresh = null;
    return { rng, prev: undefined, at: 0 };
  }

  /** The next token's text ('' for the EOS token). */
  #step(walk: Walk): string {
    walk.at++;
    if (walk.at > this.#content) return '';
    walk.prev = nextProseToken(this.#chain, walk.rng, walk.prev);
    return this.#tokenizer.tokenText(walk.prev);
  }

  #materialize(): { ids: number[]; cum: number[]; text: string } {
    if (!this.#ids) {
      const walk = this.#newWalk();
      const ids: number[] = [];
      const cum: number[] = [];
      const pieces: string[] = [];
      let length = 0;
      for (let i = 0; i < this.#content; i++) {
        const piece = this.#step(walk);
        ids.push(walk.prev as number);
        pieces.push(piece);
        cum.push((length += piece.length));
      }
      if (this.tokenCount > this.#content) {
        ids.push(this.#tokenizer.eosTokenId);
        cum.push(length);
      }
      this.#ids = ids;
      this.#cum = cum;
      // Joined once: `+=` per token would leave a rope of one node per token (32 bytes each) in the plan.
      this.#text ??= pieces.join('');
      this.#walk = null;
    }
    return { ids: this.#ids, cum: this.#cum as number[], text: this.#text as string };
  }
}
