import { describe, it, expect } from 'vitest';
import { ANCHORS, replay } from './calibration.ts';

describe('calibration against published vLLM measurements (virtual clock replay)', () => {
  for (const anchor of ANCHORS) {
    it(`${anchor.id} ${anchor.profile} ${anchor.metric} is within ${anchor.tolerance * 100}% of ${anchor.measured.toFixed(1)} ${anchor.unit}`, () => {
      const predicted = replay(anchor);
      expect(Math.abs(predicted - anchor.measured) / anchor.measured).toBeLessThanOrEqual(anchor.tolerance);
    });
  }
});
