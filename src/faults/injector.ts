/**
 * @module Decides, per request, which fault (if any) applies, deterministically: the n-th request matching a fault gets the
 * same decision in every replay of the same run (rate draws hash (seed, fault, n)), whatever the timing. Counts injections.
 */
import { createHash } from 'node:crypto';
import type { Fault } from './schema.ts';
import { zeroFaultCounts, type FaultKind } from '../protocol/fault-kinds.ts';

export interface FaultRequest {
  readonly path: string;
  readonly model: string | null;
  /** Simulated seconds since the server started. */
  readonly elapsed: number;
}

export interface FaultInjector {
  /** The first configured fault that fires for this request, or null. */
  pick(request: FaultRequest): Fault | null;
  /** Records an injected fault (metrics, trace). */
  count(kind: FaultKind): void;
  counts(): Readonly<Record<FaultKind, number>>;
  /** True when a fault selects by model (only then is the body read before the route). */
  needsModel(): boolean;
  /** Replaces the configured faults (scenario reload); counters of matches restart. */
  reset(faults: readonly Fault[]): void;
}

export function createFaultInjector({
  faults,
  seed,
  onInject,
}: {
  faults: readonly Fault[];
  seed: number;
  onInject?: (kind: FaultKind) => void;
}): FaultInjector {
  let active = [...faults];
  let seen = active.map(() => 0);
  const injected = zeroFaultCounts();
  return {
    pick(request) {
      for (let i = 0; i < active.length; i++) {
        const fault = active[i] as Fault;
        if (fault.match?.path !== undefined && fault.match.path !== request.path) continue;
        if (fault.match?.model !== undefined && fault.match.model !== request.model) continue;
        if (fault.window && (request.elapsed < fault.window.from || request.elapsed >= fault.window.to)) continue;
        const n = (seen[i] = (seen[i] as number) + 1);
        if (fault.first_n !== undefined && n > fault.first_n) continue;
        if (fault.every_k !== undefined && n % fault.every_k !== 0) continue;
        if (fault.rate !== undefined && unitHash(seed, i, n) >= fault.rate) continue;
        return fault;
      }
      return null;
    },
    count(kind) {
      injected[kind]++;
      onInject?.(kind);
    },
    counts: () => ({ ...injected }),
    needsModel: () => active.some((f) => f.match?.model !== undefined),
    reset(next) {
      active = [...next];
      seen = active.map(() => 0);
    },
  };
}

function unitHash(seed: number, fault: number, n: number): number {
  return createHash('sha256').update(`${seed}|fault|${fault}|${n}`).digest().readUInt32BE(0) / 2 ** 32;
}
