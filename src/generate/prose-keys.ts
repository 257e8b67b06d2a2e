/**
 * @module The object a prompt describes in words. JSON-mode callers often give no schema or example at all, only
 * prose: "Return a JSON object with the keys `setup` and `punchline`", "Respond in JSON with fields name, age and
 * city", or a bulleted list of keys. A `json_object` answer with those keys parses where a generic
 * `{"answer", "confidence"}` object fails the caller's own validation. Types come from a parenthesis after the key
 * ("age (integer)") or, failing that, from the key's name (`count`, `is_valid`, `tags`); everything else is a string.
 *
 * Bounded: one pass of one regular expression (no backtracking across items) over the last MAX_SCAN_CHARS characters,
 * at most MAX_KEYS keys.
 */

type Json = Record<string, unknown>;

const MAX_SCAN_CHARS = 16_384;
const MAX_KEYS = 32;
const MAX_KEY_CHARS = 64;

/** Words that introduce the list of keys ("with the keys", "fields:", "JSON containing"). */
const TRIGGER =
  /\b(?:keys?|fields?|properties|attributes)\b(?:\s+(?:named|called))?\s*:?[ \t]*|\bjson(?:\s+object)?\s+(?:with|containing|having)\s+(?:the\s+)?/gi;

/** One list item: a quoted or backticked name (written as \x60, \x22, \x27: an odd count of quote characters misleads
 * source tools), or a bare identifier; optionally a type in parentheses after it. */
const ITEM =
  /^\s*([-*•]\s*)?(?:\x60([^\x60\n]{1,64})\x60|\x22([^\x22\n]{1,64})\x22|\x27([^\x27\n]{1,64})\x27|([A-Za-z_][A-Za-z0-9_]{0,63}))(?:\s*\(\s*([A-Za-z ]{1,20})\s*\))?/;

/** Between two items on one line: a comma, slash or semicolon and/or "and"/"or". */
const INLINE_SEPARATOR = /^(?:[ \t]*[,/;&][ \t]*(?:(?:and|or)[ \t]+)?|[ \t]+(?:and|or)[ \t]+)/i;

/** Between two bulleted items: the rest of the line (a description), a line break, the next bullet. */
const NEXT_BULLET = /^[^\n]*\r?\n[ \t]*(?=[-*•])/;

/** The word right after a list (past an "and"/"or"), when no punctuation or line break comes first. */
const RUN_ON = /^[ \t]+(?:(?:and|or)[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)/i;

/** Bare words that end a list rather than name a key ("fields for the title", "keys of each user"). */
const STOP_WORDS = new Set(
  'a an the for of each every that which who to in on with without from as is are be describing containing including like such etc'.split(' '),
);

/**
 * An object schema for the keys the prose names (the last such list wins: later instructions refine earlier ones),
 * or null when it names none.
 */
export function proseKeysSchema(texts: readonly string[]): Json | null {
  const text = tailOf(texts);
  let best: string[][] | null = null;
  TRIGGER.lastIndex = 0;
  for (let m = TRIGGER.exec(text); m !== null; m = TRIGGER.exec(text)) {
    const items = readItems(text, m.index + m[0].length);
    if (items.length > 0) best = items;
    if (TRIGGER.lastIndex === m.index) TRIGGER.lastIndex++;
  }
  if (!best) return null;
  const properties: Json = {};
  for (const [key, hint] of best) properties[key as string] = typeOf(key as string, hint ?? '');
  return { type: 'object', properties, required: Object.keys(properties) };
}

/** The items of a list starting at `from`: [key, type hint] pairs; none when the first word is not a key. */
function readItems(text: string, from: number): string[][] {
  const items: string[][] = [];
  const seen = new Set<string>();
  let at = from;
  let quoted = 0;
  let bulleted = false;
  // Just past the last key read: what follows an unquoted inline list tells a list from a sentence.
  let end = from;
  while (items.length < MAX_KEYS) {
    const m = ITEM.exec(text.slice(at, at + MAX_KEY_CHARS + 48));
    if (!m) break;
    if (items.length === 0) bulleted = m[1] !== undefined;
    const bare = m[5];
    const key = (m[2] ?? m[3] ?? m[4] ?? bare ?? '').trim();
    if (bare !== undefined && STOP_WORDS.has(bare.toLowerCase())) break;
    if (bare === undefined) quoted++;
    if (key.length === 0 || key.length > MAX_KEY_CHARS) break;
    if (!seen.has(key)) {
      seen.add(key);
      items.push([key, (m[6] ?? '').toLowerCase()]);
    }
    at += m[0].length;
    end = at;
    const window = text.slice(at, at + 512);
    // A bulleted list goes on bullet by bullet (each may carry a description); an inline one by its separators.
    const gap = bulleted ? NEXT_BULLET.exec(window) : INLINE_SEPARATOR.exec(window);
    if (!gap) break;
    at += gap[0].length;
  }
  // One bare word alone is too weak a signal ("fields below", "keys: see above"): a list needs two, or quotes.
  if (quoted === 0 && items.length < 2) return [];
  // Bare words that run on into the sentence are prose ("sort the keys alphabetically or by value", "validate the
  // fields carefully and report errors"): a bare list ends at punctuation, a line break, the end, or a stop word.
  if (quoted === 0 && !bulleted) {
    const next = RUN_ON.exec(text.slice(end, end + MAX_KEY_CHARS + 2));
    if (next && !STOP_WORDS.has((next[1] as string).toLowerCase())) return [];
  }
  return items;
}

/** A key's type: the parenthesised hint, else what its name suggests. */
function typeOf(key: string, hint: string): Json {
  if (/\b(?:int|integer)\b/.test(hint)) return { type: 'integer' };
  if (/\b(?:number|float|double|decimal)\b/.test(hint)) return { type: 'number' };
  if (/\b(?:bool|boolean)\b/.test(hint)) return { type: 'boolean' };
  if (/\b(?:list|array)\b/.test(hint)) return { type: 'array', items: { type: 'string' } };
  if (/\b(?:string|text|str)\b/.test(hint)) return { type: 'string' };
  const name = key.toLowerCase();
  if (/^(?:is|has|can|should)_|^(?:is|has|can|should)[A-Z]/.test(key) || /^(?:valid|success|correct|enabled)$/.test(name)) return { type: 'boolean' };
  if (/(?:^|_)(?:count|age|year|rank|quantity|total|num|number|index|rating)$/.test(name)) return { type: 'integer' };
  if (/(?:^|_)(?:score|confidence|price|probability|amount|ratio|percent|percentage|temperature)$/.test(name)) return { type: 'number' };
  if (/(?:^|_)(?:tags|items|list|keywords|steps|examples|names|topics|reasons|ingredients)$/.test(name)) return { type: 'array', items: { type: 'string' } };
  return { type: 'string' };
}

function tailOf(texts: readonly string[]): string {
  const joined = texts.join('\n');
  return joined.length > MAX_SCAN_CHARS ? joined.slice(joined.length - MAX_SCAN_CHARS) : joined;
}
