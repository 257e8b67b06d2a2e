/**
 * @module Per-request ids that are unique without randomness: a process-start nonce (host time and pid, hashed: this
 * module is the clock's, the only one that reads the host clock) and a per-process counter. Two identical requests get
 * different ids, so anything that joins on id (a load tester, a proxy's logs, the trace) never merges them; the rest
 * of a body stays deterministic.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const NONCE = createHash('sha256').update(`${process.pid}|${Date.now()}|${performance.timeOrigin}|${performance.now()}`).digest('hex').slice(0, 12);
let counter = 0;

/** 32 hex digits, as vLLM's `random_uuid()`: 12 of process nonce, 20 of counter. */
export function uniqueRequestHex(): string {
  return NONCE + (counter++).toString(16).padStart(20, '0');
}
