/**
 * vLLM's tool-call access per served model: `enable_auto_tool_choice` + `tool_call_parser` in a scenario, the command
 * line's flags for the first model, and the start-up errors for a half-configured model.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.ts';
import { summarizeScenario } from '../../src/scenario/summary.ts';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

const QWEN = 'Qwen/Qwen3-8B';
const LLAMA = 'meta-llama/Llama-3.1-8B-Instruct';
const dir = mkdtempSync(join(tmpdir(), 'llmsim-tools-'));
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }];
const status = async (s: Simulator, model: string): Promise<number> =>
  (await postRaw(`${s.url}/v1/chat/completions`, { model, tools, tool_choice: 'required', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] })).status;

describe('tool-call parser per model', () => {
  it('a scenario enables tool calls for the models that say so', async () => {
    const file = write('two.yaml', `models:\n  - model: ${QWEN}\n    enable_auto_tool_choice: true\n    tool_call_parser: hermes\n  - model: ${LLAMA}\n`);
    expect(summarizeScenario('two.yaml', loadScenario(file))).toContain(`    ${QWEN} (tool calls (hermes))\n    ${LLAMA}\n`);
    sim = await startTestServer({ scenario: file });
    expect(await status(sim, QWEN)).toBe(200);
    expect(await status(sim, LLAMA)).toBe(400);
  });

  it("the command line's flags are the first --model's", async () => {
    sim = await startTestServer({ models: [QWEN, LLAMA], enableAutoToolChoice: true, toolCallParser: 'hermes' });
    expect(await status(sim, QWEN)).toBe(200);
    expect(await status(sim, LLAMA)).toBe(400);
  });

  it('refuses a model with auto tool choice but no parser, or an unregistered parser', async () => {
    expect(() => loadScenario(write('half.yaml', `models:\n  - model: ${QWEN}\n    enable_auto_tool_choice: true\n`))).toThrow(
      'models.0.tool_call_parser: enable_auto_tool_choice requires tool_call_parser',
    );
    const bad = write('bad.yaml', `models:\n  - model: ${QWEN}\n    enable_auto_tool_choice: true\n    tool_call_parser: nope\n`);
    await expect(startTestServer({ scenario: bad })).rejects.toThrow(
      `scenario model ${QWEN}: Error: --enable-auto-tool-choice requires tool_parser:'nope' which has not been registered`,
    );
  });
});
