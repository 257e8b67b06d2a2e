/**
 * @module Cheap checks that refuse a request before any template or tokenizer work. A token covers at most as many
 * UTF-8 bytes as the vocabulary's longest token, and a JS string has at most as many UTF-16 units as its UTF-8 bytes,
 * so a prompt whose text has more than `max_model_len × longest` characters cannot fit however it tokenizes: a 10 MB
 * prompt is a 400 in microseconds instead of seconds of BPE. (The chat template only adds text around the messages.)
 */
import type { PrepModel } from '../serving/context.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { ApiError } from '../protocol/errors.ts';
import { contentChars } from '../protocol/content-parts.ts';

const longest = new WeakMap<Tokenizer, number>();

/** UTF-8 bytes of the vocabulary's longest token (computed once per tokenizer and thread). */
export function longestTokenBytes(tokenizer: Tokenizer): number {
  let n = longest.get(tokenizer);
  if (n === undefined) {
    n = 1;
    for (let id = 0; id < tokenizer.vocabSize; id++) n = Math.max(n, Buffer.byteLength(tokenizer.tokenText(id)), Buffer.byteLength(tokenizer.tokenString(id)));
    longest.set(tokenizer, n);
  }
  return n;
}

/** Characters of text in a message list (string contents and text parts), without joining them. */
export function messageChars(messages: readonly { readonly content?: unknown }[]): number {
  let chars = 0;
  for (const m of messages) chars += contentChars(m.content);
  return chars;
}

/** 400 when `chars` characters of prompt text cannot fit in the context window (the bound is in the message). */
export function checkCharsCanFit(model: PrepModel, chars: number): void {
  const perToken = longestTokenBytes(model.tokenizer);
  const atLeast = Math.ceil(chars / perToken);
  if (atLeast < model.maxModelLen) return;
  throw new ApiError(
    400,
    'BadRequestError',
    `This model's maximum context length is ${model.maxModelLen} tokens. However, your request has at least ${atLeast} input tokens (${chars} ` +
      `characters of text, at most ${perToken} bytes per token). Please reduce the length of the input messages.`,
    'input_tokens',
  );
}

export function checkPromptCanFit(model: PrepModel, messages: readonly { readonly content?: unknown }[]): void {
  checkCharsCanFit(model, messageChars(messages));
}
