import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const dir = mkdtempSync(join(tmpdir(), 'llmsim-reload-'));
const file = join(dir, 'live.yaml');
const scenario = (answer: string, extraModel = ''): string => `models:
  - model: Qwen/Qwen3-8B
    served_model_name: live${extraModel}
rules:
  - match: {last_user_message: ping}
    respond: {content: "${answer}"}
`;

let sim: Simulator;
beforeAll(async () => {
  writeFileSync(file, scenario('first'));
  sim = await startTestServer({ scenario: file, apiKeys: [], explicit: new Set(['port']) });
});
afterAll(() => sim.close());

const ping = async (): Promise<string> =>
  JSON.parse((await postRaw(`${sim.url}/v1/chat/completions`, { model: 'live', messages: [{ role: 'user', content: 'ping' }] })).text).choices[0].message
    .content;

describe('scenario reload', () => {
  it('applies a changed scenario on POST /admin/reload and reports it in /admin/config', async () => {
    expect(await ping()).toBe('first');
    const engineBefore = sim.ctx.models[0]!.engine;
    writeFileSync(file, scenario('second'));
    const r = await postRaw(`${sim.url}/admin/reload`, {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ status: 'reloaded', models: ['live'] });
    expect(await ping()).toBe('second');
    expect(sim.ctx.models[0]!.engine).toBe(engineBefore);
    const config = JSON.parse(await (await fetch(`${sim.url}/admin/config`)).text());
    expect(config.deployment.rules[0].respond.content).toBe('second');
    expect(config.models[0]).toMatchObject({ name: 'live', root: 'Qwen/Qwen3-8B' });
  });

  it('keeps the previous scenario when the new file is invalid', async () => {
    writeFileSync(file, 'models: []\n');
    const r = await postRaw(`${sim.url}/admin/reload`, {});
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.message).toMatch(/reload failed, the previous scenario stays in force: .*models/);
    expect(await ping()).toBe('second');
  });

  it('does not drop a stream that is in flight during the reload', async () => {
    writeFileSync(file, scenario('third'));
    const res = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'live', messages: [{ role: 'user', content: 'long' }], max_tokens: 200, ignore_eos: true, stream: true }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect((await postRaw(`${sim.url}/admin/reload`, {})).status).toBe(200);
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
