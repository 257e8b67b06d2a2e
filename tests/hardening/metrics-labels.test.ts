import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

// A served name an operator may type (or a scenario may carry): every character that breaks naive label handling.
const NAME = 'evil,model="x"\\y} z\nnext';
let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer({ profile: 'instant', servedModelNames: [NAME] });
});
afterAll(() => sim.close());

/** One Prometheus text-format sample line: name, label block of quoted (escaped) values, value. */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*")*\})? \S+$/;

describe('/metrics with a hostile served model name', () => {
  it('escapes the label everywhere (counters, gauges, fast histograms) and stays parseable', async () => {
    const r = await postRaw(`${sim.url}/v1/chat/completions`, { model: NAME, messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, ignore_eos: true });
    expect(r.status).toBe(200);
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    const bad = text.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !SAMPLE.test(l));
    expect(bad).toEqual([]);
    const escaped = 'model_name="evil,model=\\"x\\"\\\\y} z\\nnext"';
    // The per-token histograms (the fast path) keep both labels whole, sorted engine, le, model_name.
    expect(text).toContain(`vllm:inter_token_latency_seconds_bucket{engine="0",le="+Inf",${escaped}} 2.0`);
    expect(text).toContain(`vllm:inter_token_latency_seconds_count{engine="0",${escaped}} 2.0`);
    expect(text).toContain(`vllm:time_to_first_token_seconds_count{engine="0",${escaped}} 1.0`);
    expect(text).toContain(`vllm:num_requests_running{engine="0",${escaped}} 0.0`);
    expect(text).toMatch(
      new RegExp(`vllm:request_success_total\\{engine="0",finished_reason="length",${escaped.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}\\} 1\\.0`),
    );
    if (existsSync('/usr/bin/promtool')) {
      let output = '';
      try {
        execFileSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (err) {
        output = `${(err as { stdout?: Buffer }).stdout ?? ''}${(err as { stderr?: Buffer }).stderr ?? ''}`;
      }
      const problems = output
        .split('\n')
        .filter((l) => l.trim() && !/metric names should not contain ':'|non-counter metrics should not have "_total" suffix/.test(l));
      expect(problems).toEqual([]);
    }
  });
});
