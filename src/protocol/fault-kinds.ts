/**
 * @module The kinds of fault llmsim injects: one list for the scenario and `x-llmsim-fault` schema, the injector's
 * counters and the `llmsim:faults_injected_total` series (here, below both faults/ and metrics/, so both can read it).
 */

/** Before the response: `http_error`, `timeout`. During a stream: the rest (faults/stream-faults.ts plays them). */
export const FAULT_KINDS = ['http_error', 'timeout', 'stall', 'truncate', 'drop', 'error_event', 'malformed_chunk'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A zero count per kind, in list order. */
export function zeroFaultCounts(): Record<FaultKind, number> {
  return Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
}
