/**
 * @module Log lines in vLLM's format (`INFO 12-02 18:30:00 [loggers.py:123] message`), to stderr. The timestamp comes
 * from the clock module's Unix seconds (simulated time in virtual mode), never from the host's own clock.
 */

export interface Logger {
  info(source: string, message: string): void;
  warning(source: string, message: string): void;
}

export function createLogger(unixSeconds: () => number, write: (line: string) => void = (l) => void process.stderr.write(l)): Logger {
  const line = (level: string, source: string, message: string): void => write(`${level} ${stamp(unixSeconds())} [${source}] ${message}\n`);
  return {
    info: (source, message) => line('INFO', source, message),
    warning: (source, message) => line('WARNING', source, message),
  };
}

/** `MM-DD HH:MM:SS` in UTC, as vLLM's formatter prints it in a container (TZ unset). */
function stamp(unix: number): string {
  const d = new Date(unix * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
