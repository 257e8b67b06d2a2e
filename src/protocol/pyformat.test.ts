import { describe, it, expect } from 'vitest';
import { pyFloat } from './pyformat.ts';

describe('pyFloat', () => {
  it('formats like Python repr(float)', () => {
    expect(pyFloat(0)).toBe('0.0');
    expect(pyFloat(2.1)).toBe('2.1');
    expect(pyFloat(-1)).toBe('-1.0');
    expect(pyFloat(1e-5)).toBe('1e-05');
    expect(pyFloat(0.0001)).toBe('0.0001');
    expect(pyFloat(1e16)).toBe('1e+16');
    expect(pyFloat(1e308)).toBe('1e+308');
    expect(pyFloat(123456789.5)).toBe('123456789.5');
  });
});
