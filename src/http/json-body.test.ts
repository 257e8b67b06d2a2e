import { describe, it, expect } from 'vitest';
import { MAX_JSON_CONTAINERS, parseJsonObject, tooManyContainers } from './json-body.ts';

describe('the JSON container count', () => {
  it('counts objects and arrays outside strings only', () => {
    expect(tooManyContainers('{"a":[{},{}]}', 3)).toBe(true);
    expect(tooManyContainers('{"a":[{},{}]}', 4)).toBe(false);
    // Braces inside strings, escaped quotes included, are text.
    expect(tooManyContainers('{"a":"{{{[[[\\"{{{"}', 1)).toBe(false);
    expect(tooManyContainers('{"a":"\\\\"}', 1)).toBe(false);
  });

  it('refuses a body of millions of empty objects before parsing it, with the nesting limit’s envelope', () => {
    const body = `{"prompt":[${'{},'.repeat(MAX_JSON_CONTAINERS)}{}]}`;
    expect(() => parseJsonObject(body)).toThrow(/more than 1000000 objects and arrays/);
    // A long prompt of text is parsed as before.
    expect(parseJsonObject(`{"prompt":"${'{x} '.repeat(600_000)}"}`)['prompt']).toHaveLength(2_400_000);
  });
});
