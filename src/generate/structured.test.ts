import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { constrainedText, ConstraintError } from './structured.ts';
import { planToolCalls } from './tool-calls.ts';
import { createRng } from './rng.ts';

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);

/** Schemas of the kinds real applications send: nested objects, arrays with bounds, enums, formats, patterns, unions, $ref. */
const leaf = fc.oneof(
  fc.constant({ type: 'string' }),
  fc.record({ type: fc.constant('string'), minLength: fc.integer({ min: 0, max: 4 }), maxLength: fc.integer({ min: 5, max: 20 }) }),
  fc.record({ type: fc.constant('string'), format: fc.constantFrom('date-time', 'email', 'uri', 'uuid', 'date') }),
  fc.record({ type: fc.constant('string'), pattern: fc.constantFrom('^[A-Z]{3}-[0-9]{2}$', '^[a-z]+$', '^(yes|no)$') }),
  fc.record({ enum: fc.uniqueArray(fc.constantFrom('red', 'green', 'blue', 1, true, null), { minLength: 1, maxLength: 4 }) }),
  fc.record({ const: fc.constantFrom('fixed', 42, false) }),
  fc.record({ type: fc.constant('integer'), minimum: fc.integer({ min: -100, max: 0 }), maximum: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ type: fc.constant('number'), minimum: fc.constant(0), maximum: fc.constant(1) }),
  fc.constant({ type: 'boolean' }),
  fc.constant({ type: 'null' }),
);

const { schema } = fc.letrec<{ schema: unknown; object: unknown }>((tie) => ({
  schema: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'schema' },
    leaf,
    tie('object'),
    fc.record({ type: fc.constant('array'), items: tie('schema'), minItems: fc.integer({ min: 0, max: 2 }), maxItems: fc.integer({ min: 2, max: 4 }) }),
    fc.record({ anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ oneOf: fc.tuple(fc.constant({ type: 'string' }), fc.constant({ type: 'integer' })) }),
  ),
  object: fc
    .dictionary(fc.constantFrom('name', 'city', 'count', 'when', 'tags', 'inner', 'id', 'score'), tie('schema'), { minKeys: 1, maxKeys: 5 })
    .chain((properties) =>
      fc.record({
        type: fc.constant('object'),
        properties: fc.constant(properties),
        required: fc.subarray(Object.keys(properties)),
        additionalProperties: fc.constant(false),
      }),
    ),
}));

const withDefs = fc.record({
  type: fc.constant('object'),
  properties: fc.constant({ home: { $ref: '#/$defs/address' }, work: { $ref: '#/$defs/address' } }),
  required: fc.constant(['home']),
  $defs: fc.constant({
    address: {
      type: 'object',
      properties: { street: { type: 'string' }, zip: { type: 'string', pattern: '^[0-9]{5}$' } },
      required: ['street', 'zip'],
      additionalProperties: false,
    },
  }),
});

describe('constrainedText', () => {
  it('always returns JSON that validates against the schema, deterministically per stream', () => {
    fc.assert(
      fc.property(fc.oneof(schema, withDefs), fc.integer({ min: 0, max: 1e6 }), (s, seed) => {
        const text = constrainedText({ kind: 'json', schema: s as Record<string, unknown> }, createRng(0, 'schema', seed, 'structure'));
        const value: unknown = JSON.parse(text);
        expect(ajv.validate(s as object, value), `${JSON.stringify(s)} -> ${text}`).toBe(true);
        expect(constrainedText({ kind: 'json', schema: s as Record<string, unknown> }, createRng(0, 'schema', seed, 'structure'))).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('returns a JSON object for json_object', () => {
    const value: unknown = JSON.parse(constrainedText({ kind: 'json', schema: null }, createRng(0, 'o', 0, 's')));
    expect(typeof value).toBe('object');
    expect(Array.isArray(value)).toBe(false);
  });

  it('matches regexes and picks one of the choices', () => {
    for (let seed = 0; seed < 30; seed++) {
      const rng = createRng(0, 'r', seed, 's');
      expect(constrainedText({ kind: 'regex', pattern: '[A-Z]{2}-\\d{3}' }, rng)).toMatch(/^[A-Z]{2}-\d{3}$/);
      expect(['yes', 'no', 'maybe']).toContain(constrainedText({ kind: 'choice', choices: ['yes', 'no', 'maybe'] }, rng));
    }
  });

  it('rejects malformed and unsatisfiable schemas with a reason', () => {
    const rng = createRng(0, 'bad', 0, 's');
    expect(() => constrainedText({ kind: 'json', schema: { type: 'nonsense' } }, rng)).toThrow(ConstraintError);
    expect(() => constrainedText({ kind: 'json', schema: { type: 'integer', minimum: 5, maximum: 1 } }, rng)).toThrow(/cannot be satisfied/);
    expect(() => constrainedText({ kind: 'regex', pattern: '([a-z' }, rng)).toThrow(/invalid regex/);
  });
});

describe('planToolCalls', () => {
  it('generates arguments that validate against each function schema', () => {
    fc.assert(
      fc.property(
        fc.array(schema, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom('auto', 'required'),
        (params, seed, mode) => {
          const tools = params.map((p, i) => ({ name: `fn_${i}`, parameters: { type: 'object', properties: { arg: p }, required: ['arg'] } }));
          const pieces = planToolCalls({ tools, mode, parallel: true, autoCallProbability: 1 }, createRng(0, 'tools', seed, 'structure'));
          expect(pieces).not.toBeNull();
          for (const piece of pieces ?? []) {
            const tool = tools.find((t) => t.name === piece.toolName)!;
            const args: unknown = JSON.parse(piece.raw.slice(piece.from, piece.to));
            expect(ajv.validate(tool.parameters, args)).toBe(true);
            expect(piece.toolCallId).toMatch(/^chatcmpl-tool-[0-9a-f]{32}$/);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('calls exactly the named function, and may answer in text under auto', () => {
    const tools = [
      { name: 'a', parameters: null },
      { name: 'b', parameters: null },
    ];
    const named = planToolCalls({ tools, mode: { name: 'b' }, parallel: true, autoCallProbability: 0 }, createRng(0, 'n', 0, 's'));
    expect(named?.map((p) => p.toolName)).toEqual(['b']);
    expect(planToolCalls({ tools, mode: 'auto', parallel: true, autoCallProbability: 0 }, createRng(0, 'n', 0, 's'))).toBeNull();
    const single = planToolCalls({ tools, mode: 'required', parallel: false, autoCallProbability: 0 }, createRng(0, 'n', 1, 's'));
    expect(single).toHaveLength(1);
  });
});
