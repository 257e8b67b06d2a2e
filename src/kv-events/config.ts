/**
 * @module `--kv-events-config` as vLLM's KVEventsConfig: a JSON object with the same keys and defaults. Parsed here so
 * the CLI and scenario code share one definition.
 */
import { z } from 'zod';

export const KvEventsConfigSchema = z.strictObject({
  enable_kv_cache_events: z.boolean().default(false),
  /** `null` (no events), `zmq`; vLLM's default when events are enabled is zmq. */
  publisher: z.enum(['null', 'zmq']).optional(),
  /** PUB address: `tcp://*:5557` binds (a `*`, `::`, `ipc://` or `inproc://` binds), `tcp://host:5557` connects. */
  endpoint: z.string().default('tcp://*:5557'),
  /** ROUTER address answering replay requests (a start sequence number, 8 bytes big-endian). */
  replay_endpoint: z.string().nullable().default(null),
  buffer_steps: z.int().positive().default(10_000),
  hwm: z.int().nonnegative().default(100_000),
  max_queue_size: z.int().positive().default(100_000),
  topic: z.string().default(''),
});

export type KvEventsConfig = z.infer<typeof KvEventsConfigSchema>;

/** Parses the flag's JSON; null when events end up disabled (vLLM publishes nothing then). */
export function parseKvEventsConfig(raw: string): KvEventsConfig | null {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new Error(`--kv-events-config expects a JSON object, got '${raw}'`);
  }
  const parsed = KvEventsConfigSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`--kv-events-config: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`);
  }
  const config = parsed.data;
  // vLLM: publisher defaults to "zmq" when events are enabled, "null" otherwise.
  const publisher = config.publisher ?? (config.enable_kv_cache_events ? 'zmq' : 'null');
  return config.enable_kv_cache_events && publisher === 'zmq' ? { ...config, publisher } : null;
}
