/** @module Validators for OpenAI's official response schemas (tests/fixtures/openai-schemas.json, MIT, OpenAI). */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => void;
const fixture = JSON.parse(readFileSync(new URL('../fixtures/openai-schemas.json', import.meta.url), 'utf8')) as { $defs: Record<string, unknown> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openai', $defs: fixture.$defs });

export function validateAgainst(name: string, value: unknown): string[] {
  const validate = ajv.getSchema(`openai#/$defs/${name}`);
  if (!validate) throw new Error(`no schema ${name}`);
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
