import { describe, it, expect, vi } from 'vitest';
import { PROMPT_SCHEMA_LIMITS, promptSchema } from './prompt-schema.ts';

const PERSON = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'] };

/** LangChain JS `StructuredOutputParser.getFormatInstructions()` as it reaches the server (captured, abridged prose). */
function langchainInstructions(schema: object): string {
  return [
    'You must format your output as a JSON value that adheres to a given "JSON Schema" instance.',
    'For example, the example "JSON Schema" instance {{"properties": {{"foo": {{"description": "a list of test words", "type": "array", ' +
      '"items": {{"type": "string"}}}}}}, "required": ["foo"]}}',
    'would match an object with one required property, "foo".',
    'Thus, the object {{"foo": ["bar", "baz"]}} is a well-formatted instance of this example "JSON Schema". ' +
      'The object {{"properties": {{"foo": ["bar", "baz"]}}}} is not well-formatted.',
    'Here is the JSON Schema instance your output must adhere to. Include the enclosing markdown codeblock:',
    '```json',
    JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema }),
    '```',
  ].join('\n');
}

describe('promptSchema', () => {
  it('returns null when the prompt shows no JSON object', () => {
    expect(promptSchema(['json please'])).toBeNull();
    expect(promptSchema(['function f() { return 1; } and {curly} words', '{}'])).toBeNull();
    expect(promptSchema([])).toBeNull();
  });

  it('reads an inline JSON Schema (Vercel injectJsonInstruction wording)', () => {
    expect(promptSchema([`JSON schema:\n${JSON.stringify(PERSON)}\nYou MUST answer with a JSON object that matches the JSON schema above.`])).toEqual(PERSON);
  });

  it('takes the fenced schema of LangChain format instructions over the doubled-brace inline example', () => {
    const got = promptSchema([`Answer the user query.\n${langchainInstructions(PERSON)}\nInvent a person`]);
    expect(got?.['properties']).toEqual(PERSON.properties);
  });

  it('reads doubled braces when nothing better is there', () => {
    const got = promptSchema(['the example {{"properties": {{"foo": {{"type": "array", "items": {{"type": "string"}}}}}}, "required": ["foo"]}}']);
    expect(got).toEqual({ properties: { foo: { type: 'array', items: { type: 'string' } } }, required: ['foo'], type: 'object' });
  });

  it('turns an example object into a same-shape schema', () => {
    expect(promptSchema(['Reply like {"setup": "...", "rating": 7, "score": 0.5, "ok": true, "tags": ["a"], "none": [], "who": {"id": null}}'])).toEqual({
      type: 'object',
      properties: {
        setup: { type: 'string' },
        rating: { type: 'integer' },
        score: { type: 'number' },
        ok: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
        none: { type: 'array', maxItems: 0 },
        who: { type: 'object', properties: { id: { type: 'null' } }, required: ['id'], additionalProperties: false },
      },
      required: ['setup', 'rating', 'score', 'ok', 'tags', 'none', 'who'],
      additionalProperties: false,
    });
  });

  it('prefers a schema over an example, fenced over inline, later over earlier', () => {
    const schema = JSON.stringify(PERSON);
    const other = JSON.stringify({ type: 'object', properties: { other: { type: 'string' } } });
    // Schema beats example, even an example that is later and fenced.
    expect(promptSchema([`schema ${schema}`, '```json\n{"x": 1}\n```'])).toEqual(PERSON);
    // Fenced beats inline (the inline schema is later).
    expect(promptSchema([`\`\`\`\n${schema}\n\`\`\``, `then ${other}`])).toEqual(PERSON);
    // Later beats earlier, for schemas and for examples.
    expect(promptSchema([`first ${other}`, `second ${schema}`])).toEqual(PERSON);
    expect(promptSchema(['{"a": 1}', '{"b": "x"}'])?.['required']).toEqual(['b']);
    // A fenced example beats an inline example.
    expect(promptSchema(['```json\n{"a": 1}\n```', 'inline {"b": "x"}'])?.['required']).toEqual(['a']);
  });

  it('counts `properties` without `type` as an object schema, and not a `properties` key holding examples', () => {
    expect(promptSchema(['{"properties": {"a": {"type": "string"}}}'])).toEqual({ properties: { a: { type: 'string' } }, type: 'object' });
    expect(promptSchema(['{"properties": {"foo": ["bar"]}}'])?.['properties']).toEqual({ properties: expect.any(Object) });
    // A non-object schema is no shape for a json_object answer; it is read as an example.
    expect(promptSchema(['{"type": "array", "items": {"type": "string"}}'])?.['properties']).toHaveProperty('items');
  });

  it('finds objects inside code fences of other languages and ignores braces inside JSON strings', () => {
    expect(promptSchema(['```ts\nconst x = {"k": "v } {"};\n```'])?.['required']).toEqual(['k']);
  });

  it('returns within budget and falls back on hostile prompts', () => {
    const cases = [
      '{'.repeat(5_000_000),
      '}'.repeat(5_000_000),
      `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`,
      `${'{"a":'.repeat(9_000)}1${'}'.repeat(9_000)}`, // parses (under 64 KB) but is too deep for an example
      '{"a":1,} '.repeat(600_000),
      '{{"a":1,}} '.repeat(500_000),
      `{"${'x'.repeat(100)}`.repeat(50_000),
      '```json\n{"a":}\n```\n'.repeat(300_000),
      '```'.repeat(2_000_000),
    ];
    // The work is bounded by count, not by a wall clock (no timing in unit tests): at most `maxParses` JSON.parse calls
    // per scan, each on a candidate of at most `maxCandidateChars`, inside a window of `maxScanChars`.
    const parse = vi.spyOn(JSON, 'parse');
    try {
      for (const text of cases) {
        parse.mockClear();
        expect(promptSchema([text])).toBeNull();
        expect(parse.mock.calls.length).toBeLessThanOrEqual(PROMPT_SCHEMA_LIMITS.maxParses);
        for (const [arg] of parse.mock.calls) expect(String(arg).length).toBeLessThanOrEqual(PROMPT_SCHEMA_LIMITS.maxCandidateChars);
      }
    } finally {
      parse.mockRestore();
    }
  });

  it('scans only the end of a long conversation and skips objects over 64 KB', () => {
    expect(promptSchema([JSON.stringify(PERSON), 'x'.repeat(300_000)])).toBeNull();
    const big = JSON.stringify({ type: 'object', properties: { a: { type: 'string', description: 'd'.repeat(70_000) } } });
    expect(promptSchema([big])).toBeNull();
    // Nor does the 64 KB object's inner `properties` object count as an example of its own.
    expect(promptSchema([JSON.stringify({ type: 'object', properties: { a: { type: 'string' } }, description: 'd'.repeat(70_000) })])).toBeNull();
  });

  it('refuses schemas over 500 JSON values (ajv would compile a 1,000-property schema for a second)', () => {
    const props = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'string' }]));
    expect(promptSchema([JSON.stringify({ type: 'object', properties: props(100) })])).not.toBeNull();
    expect(promptSchema([JSON.stringify({ type: 'object', properties: props(1_000) })])).toBeNull();
  });
});
