/**
 * @module The text of a message's content as every dialect sends it: a string, or a list of parts (OpenAI content
 * parts, Anthropic blocks, Responses input and output parts) of which only those with a string `text` count. One
 * definition for prompt building, the tokenizer's template input, size checks and echo, so they agree on every shape.
 */

/** A part's text, or null for a part without one (an image, a tool result, anything not an object). */
export function partText(part: unknown): string | null {
  return part !== null && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : null;
}

/** Text of a message's content: a string as is, parts' `text` joined by newlines (vLLM's text-only path). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (let i = 0; i < content.length; i++) {
    if (i > 0) out += '\n';
    out += partText(content[i]) ?? '';
  }
  return out;
}

/** Characters of text in a content (string or parts), without joining anything (separators not counted). */
export function contentChars(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let chars = 0;
  for (const part of content) chars += partText(part)?.length ?? 0;
  return chars;
}
