/** @module Reads a scenario file (YAML or JSON), validates it and reports errors as `file: path: reason` lines. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ScenarioSchema, type Scenario } from './schema.ts';

export class ScenarioError extends Error {}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (err) {
    throw new ScenarioError(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = ScenarioSchema.safeParse(data);
  if (!result.success) throw new ScenarioError(describeIssues(file, result.error));
  return result.data;
}

function describeIssues(file: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
      return `${file}: ${path}: ${issue.message}`;
    })
    .join('\n');
}

/** JSON Schema of the scenario format, for editor completion (`llmsim scenario schema`). */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(ScenarioSchema, { target: 'draft-2020-12', io: 'input' });
}
