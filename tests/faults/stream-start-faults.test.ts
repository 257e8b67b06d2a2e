/**
 * @module A mid-stream fault that fires on a stream's very first write (Anthropic's `message_start`, Responses'
 * `response.created`) aborts a request the engine has not been given yet: the stream ends as the fault says and the
 * server keeps serving (it used to crash the process on the abort).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTestServer, postRaw } from '../helpers/server.ts';
import type { Simulator } from '../../src/cli/start.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startTestServer();
});
afterAll(() => sim.close());

const ROUTES: [string, Record<string, unknown>][] = [
  ['/v1/messages', { model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, stream: true }],
  ['/v1/responses', { model: 'Qwen/Qwen3-8B', input: 'hi', max_output_tokens: 8, stream: true }],
  ['/api/chat', { model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'hi' }], options: { num_predict: 8 } }],
  ['/v1/chat/completions', { model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, stream: true }],
];

describe('a fault on the first write of a stream', () => {
  for (const [path, body] of ROUTES) {
    it(`truncates ${path} at its first write and keeps serving`, async () => {
      const cut = await postRaw(`${sim.url}${path}`, body, { 'x-llmsim-fault': 'truncate; after_tokens=1' });
      expect(cut.status).toBe(200);
      expect(cut.text).toBe('');
      const errored = await postRaw(`${sim.url}${path}`, body, { 'x-llmsim-fault': 'error_event; after_tokens=1' });
      expect(errored.status).toBe(200);
      expect(errored.text).toMatch(/error/);
      const next = await postRaw(`${sim.url}${path}`, body);
      expect(next.status).toBe(200);
      expect(next.text.length).toBeGreaterThan(0);
    });
  }
});
