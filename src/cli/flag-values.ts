/**
 * @module The values of `llmsim serve` flags (numbers, seconds, fractions, lists, LoRA modules, the replica index),
 * each checked with a one-line usage error that names the flag.
 */

/** A flag value llmsim cannot use: printed as one line, exit code 2. */
export class UsageError extends Error {}

/**
 * `--replica-index N`: run only replica N of the scenario's fleet (one StatefulSet pod per replica); `auto` takes N
 * from the ordinal that ends the pod's name (POD_NAME, else HOSTNAME: `llmsim-fleet-2` → 2).
 */
export function replicaIndexOf(raw: string | undefined, env: NodeJS.ProcessEnv): number | null {
  if (raw === undefined) return null;
  if (raw !== 'auto') return int('--replica-index', raw, 0, 1023);
  const name = env['POD_NAME'] || env['HOSTNAME'] || '';
  const m = /-(\d+)$/.exec(name);
  if (!m) throw new UsageError(`--replica-index auto: no ordinal at the end of the pod name '${name}' (set POD_NAME)`);
  return Number(m[1]);
}

export function statsInterval(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 10;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`VLLM_LOG_STATS_INTERVAL must be a positive number of seconds, got '${raw}'`);
  return n;
}

export function seconds(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} expects a number of seconds >= 0, got '${raw}'`);
  return n;
}

export function loraModule(raw: string): { name: string; path: string } {
  if (raw.trim().startsWith('{')) {
    try {
      const v = JSON.parse(raw) as { name?: unknown; path?: unknown };
      if (typeof v.name === 'string' && typeof v.path === 'string') return { name: v.name, path: v.path };
    } catch {
      // reported below
    }
    throw new UsageError(`--lora-modules expects name=path or {"name": ..., "path": ...}, got '${raw}'`);
  }
  const at = raw.indexOf('=');
  if (at <= 0 || at === raw.length - 1) throw new UsageError(`--lora-modules expects name=path, got '${raw}'`);
  return { name: raw.slice(0, at), path: raw.slice(at + 1) };
}

export function optionalInt<K extends string>(key: K, flag: string, raw: string | undefined, min: number): Partial<Record<K, number>> {
  return raw === undefined ? {} : ({ [key]: int(flag, raw, min, Number.MAX_SAFE_INTEGER) } as Partial<Record<K, number>>);
}

/** vLLM takes these as JSON lists (`--allowed-origins '["https://a.example"]'`); a bare comma list is accepted too. */
export function jsonList(flag: string, raw: string | undefined): string[] {
  if (raw === undefined) return ['*'];
  try {
    const value: unknown = JSON.parse(raw);
    if (Array.isArray(value) && value.every((x) => typeof x === 'string')) return value;
  } catch {
    // fall through to the comma form
  }
  if (raw.trim().startsWith('[')) throw new UsageError(`${flag} expects a JSON list of strings, got '${raw}'`);
  return raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

export function fraction(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new UsageError(`${flag} expects a number in (0, 1], got '${raw}'`);
  return n;
}

/** `--speedup 10` runs simulated time 10x faster; `inf` (or `virtual`) runs it as fast as the CPU allows. */
export function speedupOf(raw: string): number {
  if (raw === 'inf' || raw === 'virtual' || raw === 'Infinity') return Infinity;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--speedup expects a positive number or 'inf', got '${raw}'`);
  return n;
}

export function int(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} expects an integer in [${min}, ${max}], got '${raw}'`);
  return n;
}
