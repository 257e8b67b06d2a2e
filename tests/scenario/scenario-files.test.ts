import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { loadScenario, ScenarioError, scenarioJsonSchema } from '../../src/scenario/load.ts';
import { startTestServer, postRaw, TEST_DEFAULTS } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const dir = mkdtempSync(join(tmpdir(), 'llmsim-scenario-'));
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('scenario files', () => {
  it('loads every shipped scenario', () => {
    for (const name of readdirSync('scenarios').filter((f) => /\.(ya?ml|json)$/.test(f))) {
      expect(() => loadScenario(join('scenarios', name)), name).not.toThrow();
    }
  });

  it('reports file, path and reason for every problem', () => {
    const file = write(
      'bad.yaml',
      'models:\n  - model: x\n    engine: {max_num_seqs: 0, bogus: 1}\nrules:\n  - match: {last_user_message: "("}\n    respond: {content: hi}\n',
    );
    expect(() => loadScenario(file)).toThrow(ScenarioError);
    try {
      loadScenario(file);
    } catch (err) {
      const lines = (err as Error).message.split('\n');
      expect(lines).toContain(`${file}: models.0.engine: Unrecognized key: "bogus"`);
      expect(lines.some((l) => l.startsWith(`${file}: models.0.engine.max_num_seqs:`))).toBe(true);
      expect(lines).toContain(`${file}: rules.0.match.last_user_message: not a valid regular expression`);
    }
    expect(() => loadScenario(write('syntax.yaml', 'models: [\n'))).toThrow(/not valid YAML/);
    expect(() => loadScenario(join(dir, 'missing.yaml'))).toThrow(/cannot read: ENOENT/);
    expect(() => loadScenario(write('empty.json', '{"models": []}'))).toThrow(/models:/);
  });

  it('exports a JSON Schema describing the format', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['models', 'rules', 'seed']));
    expect(schema.required).toContain('models');
  });
});

describe('scenario response rules', () => {
  let sim: Simulator;
  let client: OpenAI;
  beforeAll(async () => {
    const file = write(
      'rules.yaml',
      `seed: 3
models:
  - model: Qwen/Qwen3-8B
    served_model_name: [fixture-model, alias-b]
    enable_auto_tool_choice: true   # vLLM's --enable-auto-tool-choice: the tool-call rule may answer
    tool_call_parser: hermes
rules:
  - name: greeting
    match: {last_user_message: "^hello"}
    respond: {content: "Hello from the fixture!"}
  - match: {last_user_message: "weather"}
    respond: {tool_calls: [{name: get_weather, arguments: {city: Paris}}]}
  - match: {json_path: {path: metadata.case, equals: json}}
    respond: {json: {ok: true, items: [1, 2]}}
  - match: {last_user_message: "boom"}
    respond: {error: {status: 503, message: "Service temporarily unavailable"}}
`,
    );
    sim = await startTestServer({ scenario: file, port: 0, explicit: new Set(['port']) });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  });
  afterAll(() => sim.close());

  it('serves the scenario’s model names and answers with the first matching rule', async () => {
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['fixture-model', 'alias-b']);
    const r = await client.chat.completions.create({ model: 'fixture-model', messages: [{ role: 'user', content: 'hello there' }] });
    expect(r.choices[0]!.message.content).toBe('Hello from the fixture!');
    expect(r.choices[0]!.finish_reason).toBe('stop');
    const stream = await client.chat.completions.create({ model: 'alias-b', stream: true, messages: [{ role: 'user', content: 'hello again' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello from the fixture!');
  });

  it('returns scripted tool calls and JSON documents', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ];
    const call = await client.chat.completions.create({ model: 'fixture-model', tools, messages: [{ role: 'user', content: 'what is the weather?' }] });
    const tc = call.choices[0]!.message.tool_calls![0]!;
    expect(tc.type === 'function' && tc.function.name).toBe('get_weather');
    expect(tc.type === 'function' && JSON.parse(tc.function.arguments)).toEqual({ city: 'Paris' });
    expect(call.choices[0]!.finish_reason).toBe('tool_calls');
    const json = await postRaw(`${sim.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }], metadata: { case: 'json' } });
    expect(JSON.parse(JSON.parse(json.text).choices[0].message.content)).toEqual({ ok: true, items: [1, 2] });
  });

  it('json_path rules look into the validated request of each dialect (Anthropic, Responses, Ollama)', async () => {
    const user = [{ role: 'user', content: 'x' }];
    const metadata = { case: 'json' };
    const anthropic = await postRaw(`${sim.url}/v1/messages`, { model: 'fixture-model', max_tokens: 32, messages: user, metadata });
    expect(JSON.parse(JSON.parse(anthropic.text).content[0].text), anthropic.text).toEqual({ ok: true, items: [1, 2] });
    const responses = await postRaw(`${sim.url}/v1/responses`, { model: 'fixture-model', input: 'x', store: false, metadata });
    expect(JSON.parse(JSON.parse(responses.text).output[0].content[0].text), responses.text).toEqual({ ok: true, items: [1, 2] });
    const ollama = await postRaw(`${sim.url}/api/chat`, { model: 'fixture-model', messages: user, stream: false, metadata });
    expect(JSON.parse(JSON.parse(ollama.text).message.content), ollama.text).toEqual({ ok: true, items: [1, 2] });
  });

  it('fails with the scripted error and falls back to generation when nothing matches', async () => {
    const err = await postRaw(`${sim.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'boom' }] });
    expect(err.status).toBe(503);
    expect(JSON.parse(err.text)).toEqual({ error: { message: 'Service temporarily unavailable', type: 'Service Unavailable', param: null, code: 503 } });
    const free = await client.chat.completions.create({ model: 'fixture-model', max_tokens: 10, messages: [{ role: 'user', content: 'anything else' }] });
    expect(free.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });

  it('lets typed command-line flags override scenario values', () => {
    expect(TEST_DEFAULTS.seed).toBe(0);
    expect(sim.ctx.settings.seed).toBe(3);
  });
});
