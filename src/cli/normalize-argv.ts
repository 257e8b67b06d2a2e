/**
 * @module Brings a vLLM-style command line into the shape node:util parseArgs reads: `--flag_name` → `--flag-name`,
 * short aliases (`-tp 2`, `-O3`), `--no-X` for booleans, nargs='+' lists (`--api-key a b`) repeated per value, and
 * vLLM's inert flags taken out (with their values) and listed. An unknown flag fails here with a "did you mean".
 */
import { closest, distance } from 'fastest-levenshtein';
import { INERT_FLAGS, SHORT_ALIASES } from './vllm-flags.ts';

export interface ActiveOption {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
}

export interface NormalizedArgv {
  /** For parseArgs: active flags only, `--name value` / `--name`, lists repeated. */
  readonly argv: string[];
  /** Active booleans given as `--no-X`. */
  readonly negated: ReadonlySet<string>;
  /** Inert flags typed (for the start-up line and /admin/config). */
  readonly ignored: readonly string[];
}

export class FlagError extends Error {}

/** Active flags that take several values after one flag, like vLLM's nargs='+'. */
const NARGS_PLUS = new Set(['served-model-name', 'api-key', 'lora-modules']);

export function normalizeArgv(argv: readonly string[], active: Readonly<Record<string, ActiveOption>>): NormalizedArgv {
  const out: string[] = [];
  const negated = new Set<string>();
  const ignored: string[] = [];
  const isValue = (s: string | undefined): s is string => s !== undefined && !(s.startsWith('-') && s.length > 1 && !/^-\d/.test(s));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg)) {
      out.push(arg);
      continue;
    }
    const parsed = flagOf(arg);
    if (!parsed) throw new FlagError(`unknown option '${arg}'`);
    const { name, inline } = parsed;
    const option = active[name];
    if (option) {
      if (option.type === 'boolean') {
        if (inline !== undefined) throw new FlagError(`option '--${name}' does not take a value`);
        out.push(`--${name}`);
        continue;
      }
      // Always `--name=value`: parseArgs calls a separate value that starts with a dash ambiguous (`--seed -1`).
      if (inline !== undefined) {
        out.push(`--${name}=${inline}`);
        continue;
      }
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new FlagError(`option '--${name} <value>' argument missing`);
      out.push(`--${name}=${next}`);
      i++;
      if (NARGS_PLUS.has(name)) while (isValue(argv[i + 1])) out.push(`--${name}=${argv[++i] as string}`);
      continue;
    }
    const base = name.startsWith('no-') ? name.slice(3) : null;
    if (base !== null && active[base]?.type === 'boolean') {
      if (inline !== undefined) throw new FlagError(`option '--${name}' does not take a value`);
      negated.add(base);
      continue;
    }
    const inert = INERT_FLAGS.get(name) ?? (base !== null && INERT_FLAGS.get(base) === 'negatable' ? 'bool' : undefined);
    if (inert === undefined) throw new FlagError(unknownMessage(arg, name, active));
    ignored.push(`--${name}`);
    if (inline !== undefined) {
      if (inert === 'bool' || inert === 'negatable') throw new FlagError(`option '--${name}' does not take a value`);
      continue;
    }
    if (inert === 'value') {
      if (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')) throw new FlagError(`option '--${name} <value>' argument missing`);
      i++;
    } else if (inert === 'list' || inert === 'optional') {
      if (inert === 'list' && !isValue(argv[i + 1])) throw new FlagError(`option '--${name} <value>...' argument missing`);
      while (isValue(argv[i + 1])) {
        i++;
        if (inert === 'optional') break;
      }
    }
  }
  return { argv: out, negated, ignored };
}

/** `--a_b=1` → {name: 'a-b', inline: '1'}; `-tp=2`, `-tp`, `-O3` through the alias table. */
function flagOf(arg: string): { name: string; inline?: string } | null {
  const long = arg.startsWith('--');
  const body = arg.slice(long ? 2 : 1);
  const eq = body.indexOf('=');
  const rawName = eq >= 0 ? body.slice(0, eq) : body;
  const inline = eq >= 0 ? body.slice(eq + 1) : undefined;
  if (long) return { name: rawName.replace(/_/g, '-'), ...(inline !== undefined ? { inline } : {}) };
  const alias = SHORT_ALIASES[rawName];
  if (alias) return { name: alias, ...(inline !== undefined ? { inline } : {}) };
  // `-O3` is `--compilation-config 3` (argparse's attached short value).
  if (rawName.startsWith('O') && rawName.length > 1) return { name: 'compilation-config', inline: rawName.slice(1) };
  return null;
}

function unknownMessage(arg: string, name: string, active: Readonly<Record<string, ActiveOption>>): string {
  const known = [...Object.keys(active), ...INERT_FLAGS.keys()];
  const best = closest(name, known);
  const near = distance(name, best) <= Math.max(2, Math.floor(name.length / 4));
  return `unknown option '${arg}'${near ? ` (did you mean '--${best}'?)` : ''}`;
}
