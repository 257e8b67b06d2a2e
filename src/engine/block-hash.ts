/**
 * @module Chained hashes of a prompt's full KV blocks, as vLLM's prefix cache keys them: each block's hash covers its
 * token ids and the previous block's hash, seeded by the request's `cache_salt`. Pure, so a preparation worker
 * computes them with the prompt (engine/sequence.ts takes them when block size and salt match its cache's).
 */
import { hash } from 'node:crypto';

/** What a prepared prompt carries: its block hashes and what they were computed for. */
export interface PrefixHashes {
  readonly blockSize: number;
  readonly salt: string;
  readonly hashes: readonly string[];
}

export function chainedBlockHashes(tokens: readonly number[], salt: string, blockSize: number): string[] {
  // sha1(previous hash + the block's ids joined by commas), base64. One-shot `hash` on a string built by hand:
  // a Hash object and a slice + join per block cost twice as much (64 blocks per 1k-token prompt).
  const out: string[] = [];
  let prev = salt;
  for (let end = blockSize; end <= tokens.length; end += blockSize) {
    let text = prev + tokens[end - blockSize];
    for (let i = end - blockSize + 1; i < end; i++) text += `,${tokens[i]}`;
    prev = hash('sha1', text, 'base64');
    out.push(prev);
  }
  return out;
}
