import { describe, it, expect } from 'vitest';
import { ANCHORS } from './anchors.ts';
import { replay } from './anchor-replay.ts';

describe('calibration against published vLLM measurements (virtual clock replay)', () => {
  for (const anchor of ANCHORS) {
    const label = `${anchor.id} ${anchor.profile} ${anchor.metric} is within ${Math.round(anchor.tolerance * 100)}% of ${anchor.measured.toFixed(1)}${anchor.known ? ` (known miss: ${anchor.known})` : ''}`;
    it(label, () => {
      const predicted = replay(anchor);
      expect(Math.abs(predicted - anchor.measured) / anchor.measured).toBeLessThanOrEqual(anchor.tolerance);
    });
  }
});
