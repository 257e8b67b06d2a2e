/**
 * @module Chained hashes of a prompt's full KV blocks, as vLLM's prefix cache keys them: each block's hash covers its
 * token ids and the previous block's hash, seeded by the request's `cache_salt`. Pure, so a preparation worker
 * computes them with the prompt (engine/sequence.ts takes them when block size and salt match its cache's).
 *
 * A block is known by 64 bits of its digest, the last 8 bytes (the id vLLM publishes in its KV-cache events), kept as
 * two 32-bit words in one typed array per prompt: a string per block (28 base64 characters, 64 of them per 1k-token
 * prompt) was cloned from the worker one by one, hashed again by the cache's Map and kept there until evicted, and
 * registering blocks was the largest single item of the engine's thread for unique prompts.
 */
import { hash } from 'node:crypto';

/** Two words per full block: `[2i]` the high 32 bits of block i's id, `[2i + 1]` the low 32 bits. */
export type BlockHashes = Uint32Array;

/** What a prepared prompt carries: its block hashes and what they were computed for. */
export interface PrefixHashes {
  readonly blockSize: number;
  readonly salt: string;
  readonly hashes: BlockHashes;
}

export const NO_BLOCK_HASHES: BlockHashes = new Uint32Array(0);

/** Full blocks in `hashes`. */
export function blockCount(hashes: BlockHashes): number {
  return hashes.length >>> 1;
}

/** Block `i`'s 64-bit id, as vLLM publishes it (VLLM_KV_EVENTS_USE_INT_BLOCK_HASHES: an unsigned 64-bit integer). */
export function blockId(hashes: BlockHashes, i: number): bigint {
  return (BigInt(hashes[2 * i] as number) << 32n) | BigInt(hashes[2 * i + 1] as number);
}

/**
 * A prompt's ids as the text `ids.join(',')` in ASCII bytes, and where each id's text ends: the request key's digest
 * (pipeline/plan-prompt.ts) and every block hash read the same text, so it is written once per prompt, digit by
 * digit, instead of as a join and then again as 64 strings built by concatenation.
 */
export interface IdText {
  readonly bytes: Uint8Array;
  /** ends[i]: index in `bytes` just after id i's digits. */
  readonly ends: Int32Array;
}

export function idText(ids: readonly number[]): IdText {
  // Ten digits and a comma cover any id below 2^31; anything else takes the general path.
  const bytes = new Uint8Array(ids.length * 11);
  const ends = new Int32Array(ids.length);
  let at = 0;
  for (let i = 0; i < ids.length; i++) {
    let id = ids[i]!;
    if (!(id >= 0 && id < 0x80000000 && (id | 0) === id)) return generalIdText(ids);
    if (i > 0) bytes[at++] = 0x2c;
    let digits = 1;
    for (let v = id; v >= 10; v = (v / 10) | 0) digits++;
    at += digits;
    for (let k = at - 1; k >= at - digits; k--) {
      bytes[k] = 0x30 + (id % 10);
      id = (id / 10) | 0;
    }
    ends[i] = at;
  }
  return { bytes: bytes.subarray(0, at), ends };
}

/** Ids as String() spells them (always ASCII: digits, '-', '.', 'e', '+', 'NaN', 'Infinity'). */
function generalIdText(ids: readonly number[]): IdText {
  const ends = new Int32Array(ids.length);
  let at = -1;
  for (let i = 0; i < ids.length; i++) ends[i] = at += String(ids[i]).length + 1;
  return { bytes: Buffer.from(ids.join(','), 'latin1'), ends };
}

/**
 * sha1(previous hash + the block's ids joined by commas), base64; the first block's "previous hash" is the salt. The
 * chain runs on the whole digest's text; each block keeps its digest's last 8 bytes. `text` is `idText(tokens)` when
 * the caller has it already.
 */
export function chainedBlockHashes(tokens: readonly number[], salt: string, blockSize: number, text: IdText = idText(tokens)): BlockHashes {
  const blocks = blockSize > 0 ? Math.floor(tokens.length / blockSize) : 0;
  if (blocks === 0) return NO_BLOCK_HASHES;
  const out = new Uint32Array(2 * blocks);
  const { bytes, ends } = text;
  const saltBytes = Buffer.from(salt, 'utf8');
  let longest = 0;
  for (let b = 0; b < blocks; b++) longest = Math.max(longest, blockEnd(ends, b, blockSize) - blockStart(ends, b, blockSize));
  // The previous hash (28 base64 characters, or the salt) then the block's text, in one buffer.
  const input = new Uint8Array(Math.max(saltBytes.length, 28) + longest);
  input.set(saltBytes);
  let prevLength = saltBytes.length;
  for (let b = 0; b < blocks; b++) {
    const from = blockStart(ends, b, blockSize);
    const to = blockEnd(ends, b, blockSize);
    input.set(bytes.subarray(from, to), prevLength);
    const h = hash('sha1', input.subarray(0, prevLength + to - from), 'base64');
    // Digest bytes 12..19 are base64 groups 4..6 (characters 16..27; the last holds bytes 18, 19 and padding).
    const g4 = group(h, 16);
    const g5 = group(h, 20);
    const g6 = group(h, 24);
    out[2 * b] = ((g4 << 8) | (g5 >>> 16)) >>> 0;
    out[2 * b + 1] = (((g5 & 0xffff) << 16) | (g6 >>> 8)) >>> 0;
    for (let k = 0; k < h.length; k++) input[k] = h.charCodeAt(k);
    prevLength = h.length;
  }
  return out;
}

/** Where block b's ids start in the id text (after the comma before it) and end. */
const blockStart = (ends: Int32Array, b: number, blockSize: number): number => (b === 0 ? 0 : ends[b * blockSize - 1]! + 1);
const blockEnd = (ends: Int32Array, b: number, blockSize: number): number => ends[(b + 1) * blockSize - 1]!;

const SIXTETS = new Uint8Array(128);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) SIXTETS[c.charCodeAt(0)] = i;

/** The 24 bits of the base64 group at `at` ('=' padding counts as zeros). */
function group(b64: string, at: number): number {
  const t = SIXTETS;
  return (
    ((t[b64.charCodeAt(at)] as number) << 18) |
    ((t[b64.charCodeAt(at + 1)] as number) << 12) |
    ((t[b64.charCodeAt(at + 2)] as number) << 6) |
    (t[b64.charCodeAt(at + 3)] as number)
  );
}
