/** @module Starts a real simulator on 127.0.0.1:0 for black-box tests over loopback HTTP. */
import { startSimulator, type Simulator } from '../../src/cli/start.ts';
import { DEFAULT_SERVE_OPTIONS, type ServeOptions } from '../../src/scenario/options.ts';

export const TEST_DEFAULTS: ServeOptions = {
  ...DEFAULT_SERVE_OPTIONS,
  port: 0,
  // Virtual time, as fast as possible: realistic simulated timings, no waiting.
  speedup: Infinity,
};

/** vLLM's `--enable-auto-tool-choice --tool-call-parser hermes`: what a server answering tool calls is started with. */
export const AUTO_TOOLS = { enableAutoToolChoice: true, toolCallParser: 'hermes' } as const satisfies Partial<ServeOptions>;

export function startTestServer(overrides: Partial<ServeOptions> = {}): Promise<Simulator> {
  return startSimulator({ ...TEST_DEFAULTS, ...overrides });
}

/** POSTs JSON with fetch and returns status, headers and the raw body text. */
export async function postRaw(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
