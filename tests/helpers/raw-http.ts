/**
 * @module One request over raw node:http, for tests that must send exactly the bytes they generate (fetch would
 * resolve dot segments, re-encode the path and add headers): the status and the body text.
 */
import { request } from 'node:http';

export interface RawAnswer {
  readonly status: number;
  readonly text: string;
}

export interface RawRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Aborts the request past this many ms (rejects). */
  readonly timeoutMs?: number;
}

export function rawRequest(url: string, { method = 'GET', headers = {}, body, timeoutMs }: RawRequest = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const options = { method, headers, ...(timeoutMs !== undefined ? { signal: AbortSignal.timeout(timeoutMs) } : {}) };
    const req = request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
