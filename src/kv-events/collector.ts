/**
 * @module Collects one engine's KV-cache events between steps, as vLLM's scheduler does (it publishes one batch per
 * step that has events). Consecutive stored blocks of one prompt merge into one BlockStored (vLLM stores a request's
 * new full blocks in one event); removals of one step merge into one BlockRemoved.
 */
import type { KvCacheListener } from '../engine/kv-cache.ts';
import type { KvEvent } from './encode.ts';

export interface KvEventCollector extends KvCacheListener {
  /** The events since the last call (empty when nothing happened). */
  take(): KvEvent[];
}

export function createKvEventCollector(blockSize: number): KvEventCollector {
  let events: KvEvent[] = [];
  // The last stored block of the BlockStored being built (so the next block of the same chain extends it).
  let lastStored: bigint | null = null;
  let lastLora: string | null = null;
  return {
    stored(hash, parent, tokens, lora) {
      const last = events[events.length - 1];
      if (last?.type === 'BlockStored' && parent !== null && parent === lastStored && lora === lastLora) {
        (last.blockHashes as bigint[]).push(hash);
        (last.tokenIds as number[]).push(...tokens);
      } else {
        events.push({
          type: 'BlockStored',
          blockHashes: [hash],
          parentBlockHash: parent,
          tokenIds: [...tokens],
          blockSize,
          loraName: lora,
        });
      }
      lastStored = hash;
      lastLora = lora;
    },
    removed(hash) {
      const last = events[events.length - 1];
      if (last?.type === 'BlockRemoved') (last.blockHashes as bigint[]).push(hash);
      else events.push({ type: 'BlockRemoved', blockHashes: [hash] });
      lastStored = null;
    },
    cleared() {
      events.push({ type: 'AllBlocksCleared' });
      lastStored = null;
    },
    take() {
      const out = events;
      events = [];
      lastStored = null;
      return out;
    },
  };
}
