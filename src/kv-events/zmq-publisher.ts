/**
 * @module vLLM's ZmqEventPublisher on the real ZeroMQ library: a PUB socket sending `[topic, seq, payload]` (seq an
 * 8-byte big-endian counter from 0), the last `buffer_steps` batches kept, and an optional ROUTER socket answering a
 * replay request `[identity, "", start_seq]` with every buffered batch from start_seq on, `[identity, "", seq,
 * payload]` each, then the end marker `[identity, "", -1, ""]`. Sends run after the engine's turn (ZeroMQ's own I/O
 * thread does the network work), never on the simulated clock.
 */
import { Publisher, Router } from 'zeromq';
import type { KvEventsConfig } from './config.ts';

export interface KvEventPublisher {
  /** The PUB address in use (a wildcard port resolved). */
  readonly endpoint: string;
  readonly replayEndpoint: string | null;
  /** Queues one encoded KVEventBatch. */
  publish(payload: Uint8Array): void;
  close(): Promise<void>;
}

const END_SEQ = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

/**
 * Opens the sockets of one publisher. `offset` shifts the endpoint ports as vLLM does per data-parallel rank
 * (`tcp://*:5557` → `tcp://*:5558` for rank 1; `inproc://x` → `inproc://x_dp1`).
 */
export async function createZmqPublisher(config: KvEventsConfig, offset: number): Promise<KvEventPublisher> {
  const endpoint = offsetEndpoint(config.endpoint, offset);
  const replayAt = config.replay_endpoint === null ? null : offsetEndpoint(config.replay_endpoint, offset);
  const pub = new Publisher({ sendHighWaterMark: config.hwm, linger: 0 });
  const topic = Buffer.from(config.topic, 'utf8');
  const buffer: { seq: bigint; payload: Uint8Array }[] = [];
  const queue: Buffer[][] = [];
  let seq = 0n;
  let sending = false;
  let closed = false;
  // vLLM's heuristic: bind a wildcard, IPC or in-process address, connect to anything else.
  if (/\*|::/.test(endpoint) || endpoint.startsWith('ipc://') || endpoint.startsWith('inproc://')) await pub.bind(endpoint);
  else pub.connect(endpoint);
  let router: Router | null = null;
  if (replayAt !== null) {
    router = new Router({ linger: 0 });
    await router.bind(replayAt);
    void serveReplay(router, buffer);
  }

  const pump = async (): Promise<void> => {
    if (sending) return;
    sending = true;
    try {
      // ZeroMQ sockets take one send at a time; a PUB socket over its high-water mark drops, as in vLLM.
      for (let frames = queue.shift(); frames && !closed; frames = queue.shift()) await pub.send(frames);
    } catch (err) {
      if (!closed) process.stderr.write(`llmsim: KV events: publish failed: ${(err as Error).message}\n`);
    } finally {
      sending = false;
    }
  };

  return {
    endpoint: pub.lastEndpoint ?? endpoint,
    replayEndpoint: router?.lastEndpoint ?? replayAt,
    publish(payload) {
      if (closed) return;
      const seqBytes = Buffer.alloc(8);
      seqBytes.writeBigUInt64BE(seq);
      buffer.push({ seq, payload });
      if (buffer.length > config.buffer_steps) buffer.shift();
      seq++;
      if (queue.length >= config.max_queue_size) queue.shift();
      queue.push([topic, seqBytes, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)]);
      void pump();
    },
    async close() {
      closed = true;
      pub.close();
      router?.close();
    },
  };
}

async function serveReplay(router: Router, buffer: readonly { seq: bigint; payload: Uint8Array }[]): Promise<void> {
  try {
    for await (const frames of router) {
      if (frames.length !== 3) continue;
      const [identity, , start] = frames as [Buffer, Buffer, Buffer];
      const from = start.length === 8 ? start.readBigUInt64BE() : 0n;
      for (const { seq, payload } of [...buffer]) {
        if (seq < from) continue;
        const seqBytes = Buffer.alloc(8);
        seqBytes.writeBigUInt64BE(seq);
        await router.send([identity, '', seqBytes, payload]);
      }
      await router.send([identity, '', END_SEQ, '']);
    }
  } catch {
    // The socket was closed.
  }
}

/** vLLM's ZmqEventPublisher.offset_endpoint_port. */
export function offsetEndpoint(endpoint: string, offset: number): string {
  if (offset === 0) return endpoint;
  if (endpoint.startsWith('inproc://')) return `${endpoint}_dp${offset}`;
  const m = /^(.*):(\d+)$/.exec(endpoint);
  return m ? `${m[1]}:${Number(m[2]) + offset}` : endpoint;
}
