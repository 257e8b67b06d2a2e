import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const started: Simulator[] = [];
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

const ask = { messages: [{ role: 'user', content: 'hello fleet' }], max_tokens: 8, ignore_eos: true, seed: 1 };
const ttftSum = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^vllm:time_to_first_token_seconds_sum\{[^}]*\} (\S+)$/m.exec(text)?.[1]);
};

describe('fleets of replicas', () => {
  it('starts independent replicas with their own profile, metrics and faults', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmsim-fleet-'));
    const file = join(dir, 'fleet.yaml');
    writeFileSync(
      file,
      `models: [{model: Qwen/Qwen3-8B, profile: llama-3.1-8b-instruct-h100}]
replicas:
  - {name: fast}
  - {name: slow, profile: llama-3.1-8b-instruct-a100}
  - {name: broken, faults: [{kind: http_error, status: 503}]}
`,
    );
    const sim = await startTestServer({ scenario: file, explicit: new Set(['port']) });
    started.push(sim);
    expect(sim.replicas.map((r) => r.name)).toEqual(['fast', 'slow', 'broken']);
    expect(new Set(sim.replicas.map((r) => r.port)).size).toBe(3);
    const [fast, slow, broken] = sim.replicas as [Simulator['replicas'][number], Simulator['replicas'][number], Simulator['replicas'][number]];
    const a = await postRaw(`${fast.url}/v1/chat/completions`, ask);
    const b = await postRaw(`${slow.url}/v1/chat/completions`, ask);
    expect(a.status).toBe(200);
    expect(JSON.parse(b.text).choices[0].message.content).toBe(JSON.parse(a.text).choices[0].message.content);
    expect(await ttftSum(slow.url)).toBeGreaterThan(await ttftSum(fast.url));
    expect((await postRaw(`${broken.url}/v1/chat/completions`, ask)).status).toBe(503);
    const brokenMetrics = await (await fetch(`${broken.url}/metrics`)).text();
    expect(brokenMetrics).toContain('llmsim:faults_injected_total{kind="http_error"} 1.0');
    expect(await (await fetch(`${fast.url}/metrics`)).text()).toContain('llmsim:faults_injected_total{kind="http_error"} 0.0');
    expect(JSON.parse(await (await fetch(`${slow.url}/admin/config`)).text()).deployment.replica).toBe('slow');
  });

  it('--replicas N starts N identical replicas', async () => {
    const sim = await startTestServer({ replicas: 2 });
    started.push(sim);
    expect(sim.replicas).toHaveLength(2);
    for (const r of sim.replicas) expect((await postRaw(`${r.url}/v1/chat/completions`, ask)).status).toBe(200);
  });
});
