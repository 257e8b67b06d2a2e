/** @module vLLM's `--config FILE` for `llmsim serve`: the YAML file's flags, put before the command line's. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { FlagError } from './normalize-argv.ts';

/**
 * vLLM's `--config FILE`: a YAML mapping of flag names (either spelling) to values; flags on the command line win, so
 * the file's come first.
 */
export function withConfigFile(argv: readonly string[]): readonly string[] {
  const at = argv.findIndex((a) => a === '--config' || a.startsWith('--config='));
  if (at < 0) return argv;
  const file = argv[at]!.startsWith('--config=') ? argv[at]!.slice('--config='.length) : argv[at + 1];
  if (!file) throw new FlagError("option '--config <value>' argument missing");
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FlagError(`--config ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0]}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new FlagError(`--config ${file}: expected a mapping of flag names to values`);
  const fromFile: string[] = [];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const flag = `--${key}`;
    if (value === true) fromFile.push(flag);
    else if (value === false) continue;
    else if (Array.isArray(value)) fromFile.push(flag, ...value.map(String));
    else if (value !== null && typeof value === 'object') fromFile.push(`${flag}=${JSON.stringify(value)}`);
    else fromFile.push(`${flag}=${String(value)}`);
  }
  const rest = [...argv.slice(0, at), ...argv.slice(at + (argv[at]!.includes('=') ? 1 : 2))];
  // A positional model stays first (`serve MODEL --config f.yaml`).
  return rest[0] !== undefined && !rest[0].startsWith('-') ? [rest[0], ...fromFile, ...rest.slice(1)] : [...fromFile, ...rest];
}
