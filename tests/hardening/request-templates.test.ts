import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';
import { requestTemplateCacheStats } from '../../src/tokenizer/request-template.ts';

const UNTRUSTED = 'Chat template is passed with request, but --trust-request-chat-template is not set. Refused request with untrusted chat template.';
const messages = [{ role: 'user', content: 'hi' }];

let plain: Simulator;
let trusted: Simulator;
beforeAll(async () => {
  plain = await startTestServer({ profile: 'instant' });
  trusted = await startTestServer({ profile: 'instant', safety: { trustRequestChatTemplate: true, templateBudget: { maxSteps: 5_000, maxChars: 100_000 } } });
});
afterAll(async () => {
  await plain.close();
  await trusted.close();
});

async function idle(sim: Simulator): Promise<void> {
  const stats = sim.ctx.models[0]!.engine.stats();
  expect(stats.running + stats.waiting).toBe(0);
  expect(await (await fetch(`${sim.url}/load`)).json()).toEqual({ server_load: 0 });
  expect((await postRaw(`${sim.url}/tokenize`, { prompt: 'still here' })).status).toBe(200);
}

describe('request chat templates', () => {
  it('are refused with vLLM’s message unless --trust-request-chat-template, on every templating route', async () => {
    const attack = '{% for i in range(1000000000) %}{% endfor %}x';
    const cases: [string, unknown][] = [
      ['/tokenize', { messages, chat_template: attack }],
      ['/v1/chat/completions', { messages, max_tokens: 2, chat_template: attack }],
      ['/v1/chat/completions', { messages, max_tokens: 2, chat_template_kwargs: { chat_template: attack } }],
      ['/v1/messages', { model: 'Qwen/Qwen3-8B', max_tokens: 2, messages, chat_template_kwargs: { chat_template: attack } }],
    ];
    for (const [path, body] of cases) {
      const res = await postRaw(`${plain.url}${path}`, body);
      expect(res.status, path).toBe(400);
      expect(res.text).toContain(UNTRUSTED);
    }
    await idle(plain);
  });

  it('when trusted, render under the budget: huge ranges, nested loops and doubling strings are 400s, not a dead process', async () => {
    const attacks: [string, string][] = [
      ['{% for i in range(1000000000) %}{% endfor %}x', 'range() with 1000000000 items'],
      ['{% for i in range(3000) %}{% for j in range(3000) %}{% endfor %}{% endfor %}x', 'budget of 5000 steps'],
      ['{% for i in range(10000000) %}x{% endfor %}', 'range() with 10000000 items'],
      ["{% set s = namespace(v='x') %}{% for i in range(40) %}{% set s.v = s.v + s.v %}{% endfor %}{{ s.v }}", 'limit of 100000 characters'],
      ['{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', ''],
    ];
    for (const [template, message] of attacks) {
      const res = await postRaw(`${trusted.url}/tokenize`, { messages, chat_template: template });
      expect(res.status, template).toBe(400);
      expect(JSON.parse(res.text).error.message).toContain(message);
      const chat = await postRaw(`${trusted.url}/v1/chat/completions`, { messages, max_tokens: 2, chat_template: template });
      expect(chat.status, template).toBe(400);
    }
    const ok = await postRaw(`${trusted.url}/tokenize`, { messages, chat_template: '{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}' });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).count).toBeGreaterThan(0);
    await idle(trusted);
  });

  it('keeps the compiled-template cache bounded by count and size', async () => {
    const filler = 'y'.repeat(20_000);
    for (let i = 0; i < 120; i++) {
      const res = await postRaw(`${trusted.url}/tokenize`, { messages, chat_template: `{# ${i} ${filler} #}{{ messages[0].content }}` });
      expect(res.status).toBe(200);
    }
    const stats = requestTemplateCacheStats();
    expect(stats.entries).toBeLessThanOrEqual(64);
    expect(stats.chars).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});
