/**
 * @module vLLM's KV-cache event wire format: msgspec structs with `array_like=True, omit_defaults=True, tag=True`, so a
 * batch is the msgpack array `[ts, events, data_parallel_rank]` and each event an array led by its tag:
 * `["BlockStored", block_hashes, parent_block_hash, token_ids, block_size, lora_id, medium, lora_name]`,
 * `["BlockRemoved", block_hashes, medium]`, `["AllBlocksCleared"]` (vllm/distributed/kv_events.py). Fields with
 * defaults after these (extra_keys, group_idx…) are left out, as omit_defaults does. Block hashes are the unsigned
 * 64-bit ids vLLM publishes by default (VLLM_KV_EVENTS_USE_INT_BLOCK_HASHES), engine/block-hash.ts `blockId`.
 */
import { Encoder } from '@msgpack/msgpack';

export type KvEvent =
  | {
      readonly type: 'BlockStored';
      readonly blockHashes: readonly bigint[];
      readonly parentBlockHash: bigint | null;
      readonly tokenIds: readonly number[];
      readonly blockSize: number;
      readonly loraName: string | null;
    }
  | { readonly type: 'BlockRemoved'; readonly blockHashes: readonly bigint[] }
  | { readonly type: 'AllBlocksCleared' };

/** Where blocks live; llmsim simulates the GPU tier only. */
const MEDIUM = 'GPU';

const encoder = new Encoder({ useBigInt64: true });

/** One KVEventBatch payload. `ts` is always a msgpack float64, as Python's `time.time()` is. */
export function encodeBatch(ts: number, events: readonly KvEvent[], dataParallelRank: number): Uint8Array {
  const body = encoder.encode(events.map(toArray));
  const rank = encoder.encode(dataParallelRank);
  const out = new Uint8Array(1 + 9 + body.length + rank.length);
  out[0] = 0x93; // fixarray of 3
  out[1] = 0xcb; // float64
  new DataView(out.buffer).setFloat64(2, ts);
  out.set(body, 10);
  out.set(rank, 10 + body.length);
  return out;
}

function toArray(e: KvEvent): unknown[] {
  switch (e.type) {
    case 'BlockStored':
      // lora_id: vLLM's integer adapter id; llmsim names adapters only, so it is null and lora_name carries the name.
      return ['BlockStored', e.blockHashes, e.parentBlockHash, e.tokenIds, e.blockSize, null, MEDIUM, e.loraName];
    case 'BlockRemoved':
      return ['BlockRemoved', e.blockHashes, MEDIUM];
    case 'AllBlocksCleared':
      return ['AllBlocksCleared'];
  }
}
