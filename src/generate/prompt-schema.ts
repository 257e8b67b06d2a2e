/**
 * @module The JSON Schema (or JSON example object) a prompt asks its answer to follow. Clients in JSON mode (LangChain's
 * `jsonMode` and format instructions, the Vercel AI SDK through OpenAI-compatible providers) send only
 * `response_format: json_object` and put the shape in the messages, so a `json_object` answer follows the prompt's
 * shape when there is one — failing a schema or an example, the keys its prose names (prose-keys.ts). Bounded by
 * construction: a prompt costs at most one linear pass over its last PROMPT_SCHEMA_LIMITS.maxScanChars characters plus
 * maxParses JSON.parse calls of at most maxCandidateChars each.
 */
import { proseKeysSchema } from './prose-keys.ts';

export interface PromptSchemaLimits {
  /** Characters scanned, taken from the end of the conversation (later text wins anyway). */
  readonly maxScanChars: number;
  /** Longest object text considered (a longer one is skipped with the objects inside it). */
  readonly maxCandidateChars: number;
  /** JSON.parse calls, a doubled-brace retry included. */
  readonly maxParses: number;
  /**
   * JSON values in the resulting schema. ajv's compile time grows faster than linearly (measured: 500 properties
   * 0.23 s, 1,000 1.1 s, 2,200 a stack overflow; 330 RE2 patterns 0.5 s), and a prompt's schema is no contract the client asked for.
   */
  readonly maxSchemaNodes: number;
}

export const PROMPT_SCHEMA_LIMITS: PromptSchemaLimits = { maxScanChars: 262_144, maxCandidateChars: 65_536, maxParses: 64, maxSchemaNodes: 500 };

/** Examples nested deeper than this are not turned into schemas (prompt examples are shallow; this one is hostile). */
const MAX_EXAMPLE_DEPTH = 32;

type Json = Record<string, unknown>;

interface Span {
  readonly start: number;
  /** Index of the closing `}` (inclusive). */
  readonly end: number;
}

/**
 * The schema the prompt's text describes, or null. A real JSON Schema beats an example object, a fenced block
 * (```json or ```) beats inline text, later beats earlier. An example becomes a schema of the same shape.
 */
export function promptSchema(texts: readonly string[], limits: PromptSchemaLimits = PROMPT_SCHEMA_LIMITS): Json | null {
  const text = tail(texts, limits.maxScanChars);
  if (text.indexOf('{') < 0) return proseKeysSchema(texts);
  const { fences, inline } = splitFences(text);
  let parses = limits.maxParses;
  const allow = (): boolean => parses-- > 0;
  let fencedExample: Json | null = null;
  for (let i = fences.length - 1; i >= 0 && parses > 0; i--) {
    const found = classify(parseCandidate(text, fences[i] as Span, limits.maxCandidateChars, allow), limits.maxSchemaNodes);
    if (found?.schema) return found.schema;
    fencedExample ??= found?.example ?? null;
  }
  // No fenced schema: the latest inline schema wins over any example; otherwise a fenced example over an inline one.
  let inlineSchema: Json | null = null;
  let inlineExample: Json | null = null;
  scanInline(
    text,
    inline,
    limits.maxCandidateChars,
    () => parses > 0 && !inlineSchema,
    (span) => {
      const value = parseCandidate(text, span, limits.maxCandidateChars, allow);
      const found = classify(value, limits.maxSchemaNodes);
      inlineSchema ??= found?.schema ?? null;
      inlineExample ??= found?.example ?? null;
      return value !== undefined;
    },
  );
  return inlineSchema ?? fencedExample ?? inlineExample ?? proseKeysSchema(texts);
}

/** A parsed candidate as an object schema, or as an example turned into one (null fields when it is neither or too big). */
function classify(value: unknown, maxNodes: number): { schema: Json | null; example: Json | null } | null {
  if (!isPlainObject(value)) return null;
  const schema = asObjectSchema(value);
  if (schema) return { schema: nodeCount(schema, maxNodes) <= maxNodes ? schema : null, example: null };
  const example = Object.keys(value).length > 0 ? exampleSchema(value, 0) : null;
  return { schema: null, example: example && nodeCount(example, maxNodes) <= maxNodes ? example : null };
}

/** JSON values in `value`, counted without recursion and only up to just past `max`. */
function nodeCount(value: unknown, max: number): number {
  const stack = [value];
  let count = 0;
  while (stack.length > 0 && count <= max) {
    const v = stack.pop();
    count++;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push(child);
  }
  return count;
}

/** The last `max` characters of the conversation, newline-joined, without copying more than that. */
function tail(texts: readonly string[], max: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = texts.length - 1; i >= 0 && size < max; i--) {
    const t = texts[i] as string;
    const take = Math.min(t.length, max - size);
    parts.push(take === t.length ? t : t.slice(t.length - take));
    size += take + 1;
  }
  return parts.reverse().join('\n');
}

/** Bodies of fenced blocks whose info string is empty or json*, and the text between them (scanned inline). */
function splitFences(text: string): { fences: Span[]; inline: Span[] } {
  const fences: Span[] = [];
  const inline: Span[] = [];
  let from = 0;
  let pos = 0;
  for (;;) {
    const open = text.indexOf('```', pos);
    if (open < 0) break;
    const lineEnd = text.indexOf('\n', open + 3);
    if (lineEnd < 0) break;
    const close = text.indexOf('```', lineEnd + 1);
    if (close < 0) break;
    const info = text
      .slice(open + 3, Math.min(lineEnd, open + 40))
      .trim()
      .toLowerCase();
    if (info === '' || info.startsWith('json')) {
      const body = trimmed(text, lineEnd + 1, close);
      if (body && text.charCodeAt(body.start) === LBRACE && text.charCodeAt(body.end) === RBRACE) fences.push(body);
      if (open > from) inline.push({ start: from, end: open - 1 });
      from = close + 3;
    }
    pos = close + 3;
  }
  if (from < text.length) inline.push({ start: from, end: text.length - 1 });
  return { fences, inline };
}

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Every balanced `{…}` of the inline segments, latest closing brace first (so an object comes before the objects
 * inside it), offered to `take` until `more()` says stop. One linear pass with a stack of open braces; inside braces
 * JSON strings are skipped (a string ends at a newline too: JSON strings have none, so a stray quote blinds one line).
 * An object that parsed, or is too long to read, hides the objects inside it.
 */
function scanInline(text: string, segments: readonly Span[], maxChars: number, more: () => boolean, take: (span: Span) => boolean): void {
  const spans: Span[] = [];
  for (const seg of segments) {
    const open: number[] = [];
    for (let i = seg.start; i <= seg.end; i++) {
      const c = text.charCodeAt(i);
      if (c === LBRACE) open.push(i);
      else if (c === RBRACE) {
        const start = open.pop();
        if (start !== undefined && looksLikeObject(text, start)) spans.push({ start, end: i });
      } else if (c === QUOTE && open.length > 0) {
        for (i++; i <= seg.end; i++) {
          const s = text.charCodeAt(i);
          if (s === QUOTE || s === NEWLINE) break;
          if (s === BACKSLASH) i++;
        }
      }
    }
  }
  // Closing braces are pushed in text order, so walking backwards is latest first, an object before its inner ones.
  let hideStart = -1;
  let hideEnd = -1;
  for (let k = spans.length - 1; k >= 0 && more(); k--) {
    const span = spans[k] as Span;
    if (span.start > hideStart && span.end < hideEnd) continue;
    // An object too long to read is skipped whole: its parts are not shapes of their own.
    if (span.end - span.start >= maxChars || take(span)) {
      hideStart = span.start;
      hideEnd = span.end;
    }
  }
}

/** `{` then optional whitespace then a key's quote, `}` or a doubled `{`: cheap enough to filter code and prose out. */
function looksLikeObject(text: string, start: number): boolean {
  for (let i = start + 1; i < text.length && i < start + 64; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === NEWLINE || c === 0x0d) continue;
    return c === QUOTE || c === RBRACE || c === LBRACE;
  }
  return false;
}

/**
 * The value of a candidate's text, or undefined when it is not JSON. Text in doubled braces (`{{"a": 1}}`, a prompt
 * template's escaping left in, as LangChain's format instructions carry it) is read once more with the braces halved.
 */
function parseCandidate(text: string, span: Span, maxChars: number, allow: () => boolean): unknown {
  if (span.end - span.start >= maxChars) return undefined;
  const raw = text.slice(span.start, span.end + 1);
  if (!allow()) return undefined;
  const first = tryParse(raw);
  if (first !== undefined) return first;
  if (!raw.startsWith('{{') || !raw.endsWith('}}') || !allow()) return undefined;
  return tryParse(raw.replaceAll('{{', '{').replaceAll('}}', '}'));
}

function tryParse(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function trimmed(text: string, start: number, endExclusive: number): Span | null {
  let s = start;
  let e = endExclusive - 1;
  while (s <= e && isSpace(text.charCodeAt(s))) s++;
  while (e >= s && isSpace(text.charCodeAt(e))) e--;
  return s <= e ? { start: s, end: e } : null;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === NEWLINE || c === 0x0d;
}

/**
 * `value` as an object schema when it is one: `type: "object"` or no `type`, with `properties` whose values are all
 * schemas (objects or booleans), or `type: "object"` under a `$schema` stamp. `{"properties": {"foo": ["bar"]}}` is
 * an example that happens to use the word.
 */
function asObjectSchema(value: Json): Json | null {
  const type = value['type'];
  if (type !== undefined && type !== 'object') return null;
  const props = value['properties'];
  if (props === undefined) return type === 'object' && typeof value['$schema'] === 'string' ? value : null;
  if (!isPlainObject(props)) return null;
  for (const v of Object.values(props)) if (typeof v !== 'boolean' && !isPlainObject(v)) return null;
  return type === undefined ? { ...value, type: 'object' } : value;
}

/**
 * A schema every value of `example`'s shape satisfies: same keys (all required, no others), same JSON types (integers
 * stay integers), arrays of the first item's shape. An empty array says nothing about its items: it stays empty.
 */
function exampleSchema(example: unknown, depth: number): Json | null {
  if (depth > MAX_EXAMPLE_DEPTH) return null;
  if (example === null) return { type: 'null' };
  if (typeof example === 'string') return { type: 'string' };
  if (typeof example === 'boolean') return { type: 'boolean' };
  if (typeof example === 'number') return { type: Number.isInteger(example) ? 'integer' : 'number' };
  if (Array.isArray(example)) {
    if (example.length === 0) return { type: 'array', maxItems: 0 };
    const items = exampleSchema(example[0], depth + 1);
    return items ? { type: 'array', items } : null;
  }
  const properties: Json = {};
  for (const [key, v] of Object.entries(example as Json)) {
    const s = exampleSchema(v, depth + 1);
    if (!s) return null;
    properties[key] = s;
  }
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

function isPlainObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
