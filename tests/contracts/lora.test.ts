import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startTestServer({ loraModules: [{ name: 'sql-lora', path: '/adapters/sql' }], engine: { maxLoras: 2 } });
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => sim.close());

describe('LoRA adapters', () => {
  it('lists adapters in /v1/models with their parent and path', async () => {
    const cards = (await client.models.list()).data as unknown as Record<string, unknown>[];
    const lora = cards.find((m) => m['id'] === 'sql-lora');
    expect(lora).toMatchObject({ object: 'model', owned_by: 'vllm', root: '/adapters/sql', parent: 'Qwen/Qwen3-8B', max_model_len: null });
  });

  it('serves requests addressed to an adapter, echoing its name, with text of its own', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const viaLora = await client.chat.completions.create({ model: 'sql-lora', messages, max_tokens: 12, seed: 1 });
    const viaBase = await client.chat.completions.create({ model: 'Qwen/Qwen3-8B', messages, max_tokens: 12, seed: 1 });
    expect(viaLora.model).toBe('sql-lora');
    expect(viaLora.choices[0]!.message.content).not.toBe(viaBase.choices[0]!.message.content);
  });

  it('loads and unloads adapters at run time', async () => {
    const load = await postRaw(`${sim.url}/v1/load_lora_adapter`, { lora_name: 'new-lora', lora_path: '/adapters/new' });
    expect(load.status).toBe(200);
    expect(load.text).toBe("Success: LoRA adapter 'new-lora' added successfully.");
    expect((await client.models.list()).data.map((m) => m.id)).toContain('new-lora');
    const again = await postRaw(`${sim.url}/v1/load_lora_adapter`, { lora_name: 'new-lora', lora_path: '/adapters/new' });
    expect(again.status).toBe(400);
    expect(JSON.parse(again.text).error).toMatchObject({ type: 'InvalidUserInput', message: "The lora adapter 'new-lora' has already been loaded." });
    const unload = await postRaw(`${sim.url}/v1/unload_lora_adapter`, { lora_name: 'new-lora' });
    expect(unload.text).toBe("Success: LoRA adapter 'new-lora' removed successfully.");
    const gone = await postRaw(`${sim.url}/v1/chat/completions`, { model: 'new-lora', messages: [{ role: 'user', content: 'x' }] });
    expect(gone.status).toBe(404);
    expect((await postRaw(`${sim.url}/v1/unload_lora_adapter`, { lora_name: 'new-lora' })).status).toBe(404);
  });
});

describe('vllm:lora_requests_info', () => {
  it('reports max_lora and the adapters in flight, as vLLM', async () => {
    const text = await (await fetch(`${sim.url}/metrics`)).text();
    expect(text).toContain('# TYPE vllm:lora_requests_info gauge');
    expect(text).toMatch(/^vllm:lora_requests_info\{max_lora="2",running_lora_adapters="",waiting_lora_adapters=""\} \d+\.0$/m);
  });
});
