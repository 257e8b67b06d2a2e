/**
 * @module No dead exports in src/ (issue 15 listed `NO_CONTRACT`, `channelText`, `newlineTokens` and unused Ollama
 * types; two more had crept back since). An export is dead when its name appears nowhere but its own declaration:
 * not in its file, not in src/, tests/, bench/ or bin/. The named type of a zod schema (`export type X =
 * z.infer<...>`) is exempt: CONVENTIONS.md asks for one beside each schema.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = ['src', 'tests', 'bench', 'bin'];
const SOURCE = /\.(?:ts|js|mjs)$/;
const EXPORT = /^export (?:async )?(?:const|let|function\*?|type|interface|class) ([A-Za-z_$][\w$]*)(.*)$/gm;

function sources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const root of ROOTS)
    for (const name of readdirSync(root, { recursive: true, encoding: 'utf8' }))
      if (SOURCE.test(name) && !name.includes('fixtures')) files.set(join(root, name), readFileSync(join(root, name), 'utf8'));
  return files;
}

/** Identifier → how many times it appears in each file. */
function identifierIndex(files: Map<string, string>): Map<string, Map<string, number>> {
  const index = new Map<string, Map<string, number>>();
  for (const [file, text] of files)
    for (const [word] of text.matchAll(/[A-Za-z_$][\w$]*/g)) {
      const perFile = index.get(word) ?? new Map<string, number>();
      perFile.set(file, (perFile.get(file) ?? 0) + 1);
      index.set(word, perFile);
    }
  return index;
}

describe('dead code', () => {
  it('every export of src/ is used somewhere (its own file, another module, a test, a bench or the CLI)', () => {
    const files = sources();
    const index = identifierIndex(files);
    const dead: string[] = [];
    for (const [file, text] of files) {
      if (!file.startsWith('src') || file.endsWith('.test.ts')) continue;
      for (const [, name, rest] of text.matchAll(EXPORT)) {
        if (/^\s*=\s*z\.(?:infer|input|output)</.test(rest ?? '')) continue;
        const uses = index.get(name!)!;
        if (uses.size === 1 && uses.get(file) === 1) dead.push(`${file}: ${name}`);
      }
    }
    expect(dead).toEqual([]);
  });
});
