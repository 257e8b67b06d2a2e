import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrateCommand } from './calibrate.ts';
import { loadProfile } from '../timing/profile.ts';

const dir = mkdtempSync(join(tmpdir(), 'llmsim-calibrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIXTURES = ['c4'].map((c) => join('tests', 'fixtures', 'calibrate', `gpustack-qwen3-8b-h100-${c}.json`));

describe('llmsim calibrate RESULT.json...', () => {
  it('fits public vllm bench serve results, prints the per-point table and writes a loadable profile', () => {
    const out: string[] = [];
    const file = join(dir, 'fitted.yaml');
    const code = calibrateCommand([...FIXTURES, '--gpu', 'h100', '--fit', 'weights,ingress_ms', '--max-evals', '30', '--out', file], (s) => out.push(s));
    const text = out.join('');
    expect(code).toBe(0);
    expect(text).toContain('starting from qwen3-8b-h100');
    expect(text).toMatch(/\| gpustack-qwen3-8b-h100-c4\.json \| mean TTFT \| 64\.00 \|/);
    const fitted = loadProfile(file);
    expect(fitted.name).toBe('qwen3-8b-h100-calibrated');
    expect(fitted.model?.vocab).toBe(151936);
    // The chat runs' TTFT carries ~50 ms of front-end time: the fit must find it.
    expect(fitted.overheads.ingress_ms).toBeGreaterThan(30);
    expect(readFileSync(file, 'utf8')).toContain('fitted to gpustack-qwen3-8b-h100-c4.json');
  });

  it('rejects bad input with a one-line error and exit code 1 or 2, never a crash', () => {
    const err: string[] = [];
    const orig = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
    try {
      expect(calibrateCommand([])).toBe(2);
      expect(calibrateCommand([FIXTURES[0]!, '--fit', 'nonsense'])).toBe(2);
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{"not": "a result"}');
      expect(calibrateCommand([bad, '--profile', 'qwen3-8b-h100'])).toBe(1);
      writeFileSync(bad, 'not json');
      expect(calibrateCommand([bad])).toBe(1);
      expect(calibrateCommand([join(dir, 'missing.json')])).toBe(1);
    } finally {
      process.stderr.write = orig;
    }
    expect(err.join('')).toMatch(/no result files given/);
    expect(err.join('')).toMatch(/unknown term\(s\) nonsense/);
    expect(err.join('')).toMatch(/not a vllm bench serve result/);
  });
});
