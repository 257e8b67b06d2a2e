/** @module Fault definitions (scenario `faults:` and the `x-llmsim-fault` header): what goes wrong, and which requests it hits. */
import { z } from 'zod';
import { FAULT_KINDS } from '../protocol/fault-kinds.ts';

export const FaultSchema = z
  .strictObject({
    kind: z.enum(FAULT_KINDS).describe('http_error and timeout act before the response; the others during a stream.'),
    status: z.int().min(400).max(599).optional().describe('http_error status (default 500).'),
    retry_after: z.number().nonnegative().optional().describe('Retry-After seconds sent with 429/503.'),
    message: z.string().optional(),
    duration: z
      .number()
      .positive()
      .optional()
      .describe('stall: pause length; timeout: hold this long, then 504 (default: hold until the client leaves). Simulated seconds.'),
    after_tokens: z.int().nonnegative().optional().describe('Mid-stream faults fire after this many stream events (default 1).'),
    rate: z.number().min(0).max(1).optional().describe('Probability per matching request (seeded: a replayed run fails the same requests).'),
    first_n: z.int().positive().optional().describe('Only the first N matching requests.'),
    every_k: z.int().positive().optional().describe('Every Kth matching request.'),
    window: z
      .strictObject({ from: z.number().nonnegative(), to: z.number().positive() })
      .optional()
      .describe('Only between these simulated seconds since start.'),
    match: z.strictObject({ model: z.string().optional(), path: z.string().optional().describe('Exact request path, e.g. /v1/chat/completions') }).optional(),
  })
  .describe('A fault; selectors (rate, first_n, every_k, window, match) must all hold. None given: every request.');

export type Fault = z.infer<typeof FaultSchema>;

/** `x-llmsim-fault: http_error; status=429; retry_after=2` or `stall; after_tokens=3; duration=1.5`. */
export function parseFaultHeader(value: string): Fault | string {
  const [head, ...params] = value.split(';').map((p) => p.trim());
  const raw: Record<string, unknown> = { kind: head };
  for (const p of params) {
    const [k, v] = p.split('=').map((x) => x.trim());
    if (!k || v === undefined) return `malformed parameter '${p}'`;
    raw[k] = k === 'message' ? v : Number(v);
  }
  const parsed = FaultSchema.safeParse(raw);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join('.') || 'kind'}: ${i.message}`).join('; ');
  return parsed.data;
}
