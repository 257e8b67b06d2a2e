import { describe, it, expect } from 'vitest';
import { proseKeysSchema } from './prose-keys.ts';

const keysOf = (text: string): Record<string, unknown> | null => (proseKeysSchema([text])?.['properties'] as Record<string, unknown> | undefined) ?? null;

describe('proseKeysSchema', () => {
  it('reads quoted, backticked and bare key lists after the usual wordings', () => {
    expect(Object.keys(keysOf('Return a JSON object with the keys `setup` and `punchline`.') ?? {})).toEqual(['setup', 'punchline']);
    expect(keysOf('Respond in JSON with fields name, age and city.')).toEqual({ name: { type: 'string' }, age: { type: 'integer' }, city: { type: 'string' } });
    expect(Object.keys(keysOf('Answer in JSON containing "answer" and "is_correct".') ?? {})).toEqual(['answer', 'is_correct']);
    expect(keysOf('Return JSON with keys: score, reasons')).toEqual({ score: { type: 'number' }, reasons: { type: 'array', items: { type: 'string' } } });
    // A list that ends at a stop word or a line break is still one.
    expect(Object.keys(keysOf('Return JSON with fields name and age for each person.') ?? {})).toEqual(['name', 'age']);
    expect(Object.keys(keysOf('Use the fields name, age and the rest as you like.') ?? {})).toEqual(['name', 'age']);
    expect(Object.keys(keysOf('Respond in JSON with the keys title and summary\nNothing else.') ?? {})).toEqual(['title', 'summary']);
  });

  it('reads a bulleted list with descriptions and parenthesised types', () => {
    const got = proseKeysSchema(['Output JSON with these fields:\n- title: the book title\n- year (integer): when\n- tags: a list\n\nThanks']);
    expect(got).toEqual({
      type: 'object',
      properties: { title: { type: 'string' }, year: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['title', 'year', 'tags'],
    });
  });

  it('names nothing for prose that only mentions keys or fields', () => {
    for (const text of [
      'The keys to success are patience and effort.',
      'Give me JSON. Fields for each user are below.',
      'Return JSON with name.',
      'json please',
      '',
      // Two bare words joined by "and"/"or" that run on into the sentence are prose, not a list of keys.
      'Sort the keys alphabetically or by value.',
      'Extract the fields mentioned and return them as JSON.',
      'Validate the fields carefully and report errors as JSON.',
    ])
      expect(proseKeysSchema([text])).toBeNull();
  });

  it('takes the last list when several are given', () => {
    expect(Object.keys(keysOf('Use fields a, b. Actually, use the keys "x" and "y".') ?? {})).toEqual(['x', 'y']);
  });

  it('stays bounded on hostile prose: at most 32 keys, however long the list or however many triggers', () => {
    const long = `keys ${Array.from({ length: 1000 }, (_, i) => `k${i}`).join(', ')}`;
    expect(Object.keys(keysOf(long) ?? {})).toHaveLength(32);
    const triggers = 'fields keys properties '.repeat(20_000);
    expect(() => proseKeysSchema([triggers])).not.toThrow();
  });
});
