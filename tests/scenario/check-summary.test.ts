/** `llmsim scenario check` says what it validated: models with their settings, rules, faults by kind, replicas. */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { loadScenario } from '../../src/scenario/load.ts';
import { summarizeScenario } from '../../src/scenario/summary.ts';

describe('scenario check summary', () => {
  it('counts faults by kind and replicas, not only models and rules', () => {
    const chaos = summarizeScenario('chaos.yaml', loadScenario('scenarios/chaos.yaml'));
    expect(chaos).toBe(
      'chaos.yaml: ok\n  seed 7\n  1 model:\n    Qwen/Qwen3-8B (profile qwen3-8b-h100, max_waiting=256)\n  0 rules\n' +
        '  8 faults: http_error 503, http_error 429, timeout, stall, truncate, drop, error_event, http_error 500\n',
    );
    const fleet = summarizeScenario('fleet.yaml', loadScenario('scenarios/fleet-4-replicas.yaml'));
    expect(fleet).toContain('\n  4 replicas (2 with their own profile, engine or faults)\n');
    expect(summarizeScenario('ci.yaml', loadScenario('scenarios/ci-fixtures.yaml'))).toContain('\n  4 rules: content, tool_calls, json, error\n');
  });

  it('is what the command prints (exit 0)', () => {
    const out = execFileSync(process.execPath, ['bin/llmsim.js', 'scenario', 'check', 'scenarios/pd-1p2d.yaml'], { encoding: 'utf8' });
    expect(out).toBe(summarizeScenario('scenarios/pd-1p2d.yaml', loadScenario('scenarios/pd-1p2d.yaml')));
  });
});
