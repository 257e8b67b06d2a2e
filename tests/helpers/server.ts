/** @module Starts a real simulator on 127.0.0.1:0 for black-box tests over loopback HTTP. */
import { startSimulator, type Simulator } from '../../src/cli/start.ts';
import { DEFAULT_MODEL, type ServeOptions } from '../../src/cli/args.ts';

export const TEST_DEFAULTS: ServeOptions = {
  host: '127.0.0.1',
  port: 0,
  models: [DEFAULT_MODEL],
  servedModelNames: [],
  seed: 0,
  maxModelLen: null,
  tokenizer: null,
  apiKeys: [],
  scenario: null,
  maxLogprobs: 20,
  enablePromptTokensDetails: false,
  schedulingPolicy: 'fcfs',
  reasoningParser: null,
  enableSuffix: false,
  engine: {},
  profile: null,
  // Virtual time, as fast as possible: realistic simulated timings, no waiting.
  speedup: Infinity,
  trace: null,
  loraModules: [],
  replicas: 1,
  cors: { origins: ['*'], methods: ['*'], headers: ['*'], credentials: false },
  explicit: new Set(),
};

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
