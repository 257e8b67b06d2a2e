/**
 * @module A chat template rendered once per conversation shape (roles, options) with stand-ins for the messages'
 * contents, then reused by substituting each new request's contents: for unique prompts the jinja interpreter cost
 * more per request than anything but BPE. Exact by construction: the stand-in render runs on an instrumented
 * interpreter (template-probe.ts) that lets content only be copied into the output, trimmed, or tested by the few
 * predicates it records as guards (startswith, endswith, `in`, `==`, non-empty); a skeleton is reused only for
 * contents that give every guard the same answer, so the template would have taken the same branches. Anything else
 * a template does with content (length, slicing, filters, tojson, native calls) stops the probe, and that shape (for
 * contents with the same guard answers so far) renders with jinja as before. tokenizer.ts falls back to jinja
 * whenever this returns null.
 */
import type { Template } from '@huggingface/jinja';
import { contentText } from '../protocol/content-parts.ts';
import { probeTemplate, SENTINEL_CLOSE, SENTINEL_OPEN, type Derivation, type Guard, type ProbeContext } from './template-probe.ts';

/** What a shape renders to for contents that pass its guards: literal text and value indexes; null = use jinja. */
interface Skeleton {
  readonly guards: readonly Guard[];
  readonly derivations: readonly Derivation[];
  readonly parts: readonly (string | number)[] | null;
}

/** What renderChat passes (the options that change the rendered text). */
export interface SkeletonOptions {
  readonly addGenerationPrompt: boolean;
  readonly tools?: readonly unknown[] | null;
  readonly documents?: readonly unknown[] | null;
  readonly kwargs?: Readonly<Record<string, unknown>> | null;
}

interface PlainMessage {
  readonly role: string;
  readonly content?: unknown;
}

/** Shapes remembered per template; a shape keeps its few most recent guard variants. */
const MAX_SHAPES = 256;
const MAX_VARIANTS = 4;
/** A shape whose contents keep needing new variants is rendered by jinja from then on (a probe costs a render). */
const MAX_PROBES = 32;
/** Longer shape keys (huge tool lists, very long conversations) are not remembered: at most ~8 MB of keys per thread. */
const MAX_KEY_CHARS = 16 * 1024;

interface Shape {
  readonly variants: Skeleton[];
  probes: number;
}

export interface SkeletonRenderer {
  /** The rendered prompt, exactly as `template.render(context)` would give it; null when jinja must render it. */
  render(messages: readonly PlainMessage[], options: SkeletonOptions): string | null;
}

export function createSkeletonRenderer(template: Template, source: string, bosToken: string, eosToken: string): SkeletonRenderer {
  // A template or special token that spells a stand-in's delimiters could forge one: never reuse for it.
  const usable = ![source, bosToken, eosToken].some(hasSentinelChar);
  const shapes = new Map<string, Shape>();
  return {
    render(messages, options) {
      if (!usable || messages.length === 0) return null;
      const contents: string[] = [];
      let key = `${options.addGenerationPrompt ? 1 : 0}`;
      if (options.tools || options.documents || options.kwargs)
        key += JSON.stringify([options.tools ?? null, options.documents ?? null, options.kwargs ?? null]);
      for (const m of messages) {
        const order = keyOrder(m);
        const text = order === 0 ? null : plainContent(m.content);
        // Empty contents change truthiness tests no guard covers: jinja renders those.
        if (text === null || text === '' || typeof m.role !== 'string') return null;
        contents.push(text);
        key += `\u0001${order}${m.role.length}:${m.role}`;
      }
      if (key.length > MAX_KEY_CHARS || hasSentinelChar(key)) return null;
      let shape = shapes.get(key);
      const hit = shape?.variants.find((s) => passes(s, contents));
      if (hit) return hit.parts === null ? null : substitute(hit, contents);
      if (!shape) {
        if (shapes.size >= MAX_SHAPES) shapes.clear();
        shapes.set(key, (shape = { variants: [], probes: 0 }));
      }
      if (shape.probes >= MAX_PROBES) return null;
      shape.probes++;
      const probed = probe(template, messages, contents, options, bosToken, eosToken);
      if (shape.variants.length >= MAX_VARIANTS) shape.variants.shift();
      shape.variants.push(probed);
      return probed.parts === null ? null : substitute(probed, contents);
    },
  };
}

function probe(
  template: Template,
  messages: readonly PlainMessage[],
  contents: readonly string[],
  o: SkeletonOptions,
  bosToken: string,
  eosToken: string,
): Skeleton {
  // The same context renderChat builds, in the same key order, with each content replaced by its stand-in.
  const ctx: ProbeContext = {
    context: {
      ...(o.kwargs ?? {}),
      messages: messages.map((m, i) => (keyOrder(m) === 1 ? { role: m.role, content: stub(i) } : { content: stub(i), role: m.role })),
      add_generation_prompt: o.addGenerationPrompt,
      tools: o.tools ?? null,
      documents: o.documents ?? null,
      bos_token: bosToken,
      eos_token: eosToken,
    },
    contents,
  };
  const result = probeTemplate(template, ctx);
  if (result.output === null) return { guards: result.guards, derivations: result.derivations, parts: null };
  return { guards: result.guards, derivations: result.derivations, parts: parseSkeleton(result.output, contents.length + result.derivations.length) };
}

/** The stand-in text of value `k` (a content, or one derived from it). */
export const stub = (k: number): string => `${SENTINEL_OPEN}${k}${SENTINEL_CLOSE}`;

/** Literal runs and value indexes; null when a delimiter appears other than as a whole stand-in (never reused). */
function parseSkeleton(output: string, values: number): (string | number)[] | null {
  const parts: (string | number)[] = [];
  let at = 0;
  for (;;) {
    const open = output.indexOf(SENTINEL_OPEN, at);
    const literal = output.slice(at, open < 0 ? output.length : open);
    if (literal.includes(SENTINEL_CLOSE)) return null;
    if (literal !== '') parts.push(literal);
    if (open < 0) return parts;
    const close = output.indexOf(SENTINEL_CLOSE, open + 1);
    const digits = close < 0 ? '' : output.slice(open + 1, close);
    if (!/^(?:0|[1-9][0-9]*)$/.test(digits)) return null;
    const k = Number(digits);
    if (k >= values) return null;
    parts.push(k);
    at = close + 1;
  }
}

/** Every value a skeleton refers to: the contents, then what was derived from them, computed on first use. */
function valuesOf(s: Skeleton, contents: readonly string[]): (k: number) => string {
  const derived: (string | undefined)[] = [];
  const value = (k: number): string => {
    if (k < contents.length) return contents[k] as string;
    const d = k - contents.length;
    let v = derived[d];
    if (v === undefined) {
      const { from, op } = s.derivations[d] as Derivation;
      const base = value(from);
      v = op === 'trim' ? base.trim() : op === 'trimStart' ? base.trimStart() : base.trimEnd();
      derived[d] = v;
    }
    return v;
  };
  return value;
}

function passes(s: Skeleton, contents: readonly string[]): boolean {
  const value = valuesOf(s, contents);
  for (const g of s.guards) {
    const v = value(g.value);
    const answer =
      g.test === 'startsWith'
        ? v.startsWith(g.arg)
        : g.test === 'endsWith'
          ? v.endsWith(g.arg)
          : g.test === 'includes'
            ? v.includes(g.arg)
            : g.test === 'equals'
              ? v === g.arg
              : v !== '';
    if (answer !== g.answer) return false;
  }
  return true;
}

function substitute(s: Skeleton, contents: readonly string[]): string {
  const value = valuesOf(s, contents);
  let out = '';
  for (const p of s.parts as readonly (string | number)[]) out += typeof p === 'string' ? p : value(p);
  return out;
}

/** 1: only `role` then `content`; 2: `content` then `role`; 0: anything else (other fields go to jinja). */
function keyOrder(m: object): 0 | 1 | 2 {
  let order: 0 | 1 | 2 = 0;
  let n = 0;
  for (const k in m) {
    if (n === 0) order = k === 'role' ? 1 : k === 'content' ? 2 : 0;
    else if (k !== (order === 1 ? 'content' : 'role')) return 0;
    n++;
  }
  return n === 2 ? order : 0;
}

/** A message's content as renderChat hands it to the template (parts joined), or null when not text. */
function plainContent(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return contentText(content);
  return null;
}

function hasSentinelChar(text: string): boolean {
  return text.includes(SENTINEL_OPEN) || text.includes(SENTINEL_CLOSE);
}
