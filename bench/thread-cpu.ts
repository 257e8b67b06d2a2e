/**
 * @module CPU per thread of a process from /proc/<pid>/task/<tid>/stat (user + system clock ticks), so a bench can tell
 * the engine's thread, the preparation workers and V8's helper threads apart.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks (user + system) of each thread of `pid`, by thread id. */
export function threadTicks(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(t), Number(f[11]) + Number(f[12]));
    } catch {
      /* thread ended */
    }
  }
  return out;
}
