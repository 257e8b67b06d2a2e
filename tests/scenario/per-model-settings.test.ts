/**
 * Settings that belong to one served model (issue 15): the reasoning parser, the scheduling policy (a scenario's
 * `engine.scheduling_policy: priority` is honoured, per model), and the start-up warning for a model name llmsim does
 * not know.
 */
import { describe, it, expect, vi, afterEach } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const QWEN = 'Qwen/Qwen3-8B';
const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';
const user = [{ role: 'user' as const, content: 'Why is the sky blue?' }];
const dir = mkdtempSync(join(tmpdir(), 'llmsim-per-model-'));
let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
  vi.restoreAllMocks();
});

/** vLLM's reasoning field, which the openai SDK passes through untyped. */
type Message = OpenAI.ChatCompletionMessage & { reasoning_content?: string | null };
/** The answer as a client sees it: through the openai SDK, as the finding was reported. */
async function reply(s: Simulator, model: string): Promise<Message> {
  const client = new OpenAI({ baseURL: `${s.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const r = await client.chat.completions.create({ model, messages: user, max_tokens: 600, seed: 1 });
  return r.choices[0]!.message as Message;
}

describe('reasoning parser per model', () => {
  it("--reasoning-parser is the first --model's: a Llama served beside it answers plain content", async () => {
    sim = await startTestServer({ models: [QWEN, LLAMA], reasoningParser: 'qwen3' });
    expect((await reply(sim, QWEN)).reasoning_content?.length).toBeGreaterThan(0);
    const llama = await reply(sim, LLAMA);
    expect(llama.reasoning_content ?? null).toBeNull();
    expect(llama.content?.length).toBeGreaterThan(0);
  });

  it('a scenario gives each model its own reasoning_parser', async () => {
    const file = join(dir, 'two.yaml');
    writeFileSync(file, `models:\n  - model: ${LLAMA}\n  - model: ${QWEN}\n    reasoning_parser: qwen3\n`);
    sim = await startTestServer({ scenario: file });
    expect((await reply(sim, QWEN)).reasoning_content?.length).toBeGreaterThan(0);
    expect((await reply(sim, LLAMA)).reasoning_content ?? null).toBeNull();
  });
});

describe('scheduling policy per model', () => {
  const scenario = (policy: string): string => {
    const file = join(dir, `${policy}.yaml`);
    writeFileSync(file, `models:\n  - model: ${QWEN}\n    engine: {scheduling_policy: ${policy}, max_num_seqs: 1}\n  - model: ${LLAMA}\n`);
    return file;
  };

  /**
   * Three requests put in the model's engine in one synchronous block (before any step can start), priorities 0, 10,
   * -10, one running at a time (max_num_seqs 1): the order in which they are first scheduled, by simulated time.
   */
  async function scheduleOrder(s: Simulator): Promise<string[]> {
    const engine = s.ctx.models[0]!.engine;
    const done = (
      [
        ['a', 0],
        ['b', 10],
        ['c', -10],
      ] as const
    ).map(
      ([name, priority]) =>
        new Promise<[string, number]>((resolve) => {
          engine.submit(
            { requestId: name, promptTokenIds: [1, 2, 3, 4], sequences: [{ outputTokens: 8 }], priority, maxTokens: 8 },
            { onTokens: () => {}, onFinished: (r) => resolve([name, r.firstScheduledTime]) },
          );
        }),
    );
    const times = await Promise.all(done);
    return times.sort((x, y) => x[1] - y[1]).map(([name]) => name);
  }

  it('engine.scheduling_policy: priority accepts request priorities and runs the lowest value first', async () => {
    sim = await startTestServer({ scenario: scenario('priority') });
    expect(await scheduleOrder(sim)).toEqual(['c', 'a', 'b']);
    // The other model keeps vLLM's default (fcfs): a priority there is vLLM's 400.
    const other = await postRaw(`${sim.url}/v1/completions`, { model: LLAMA, prompt: 'x', max_tokens: 2, priority: 3 });
    expect(other.status).toBe(400);
    expect(JSON.parse(other.text).error.message).toBe('Priority scheduling is not enabled.');
  });

  it('fcfs keeps arrival order (and refuses priorities)', async () => {
    sim = await startTestServer({ scenario: scenario('fcfs') });
    const r = await postRaw(`${sim.url}/v1/completions`, { model: QWEN, prompt: 'x', max_tokens: 2, priority: 3 });
    expect(r.status).toBe(400);
    expect(await scheduleOrder(sim)).toEqual(['a', 'b', 'c']);
  });

  it('--scheduling-policy priority on the command line still applies to the command-line model', async () => {
    sim = await startTestServer({ schedulingPolicy: 'priority' });
    const r = await postRaw(`${sim.url}/v1/completions`, { prompt: 'x', max_tokens: 2, priority: 3 });
    expect(r.status).toBe(200);
  });
});

describe('a model llmsim does not know', () => {
  it('starts with a warning naming the tokenizer, context window and profile used for it', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (lines.push(String(chunk)), true));
    sim = await startTestServer({ models: ['acme/secret-model-7b'] });
    const warning = lines.find((l) => l.startsWith('WARNING') && l.includes('acme/secret-model-7b'));
    expect(warning).toMatch(
      /not in llmsim's catalog: simulating it with Qwen\/Qwen3-8B's tokenizer and chat template \(pass --tokenizer DIR for its own\), max_model_len 32768/,
    );
    expect(warning).toContain(QWEN);
    lines.length = 0;
    await sim.close();
    sim = await startTestServer({ models: [QWEN] });
    expect(lines.some((l) => l.startsWith('WARNING') && l.includes('catalog'))).toBe(false);
  });
});
