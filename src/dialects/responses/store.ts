/**
 * @module The Responses store (`GET /v1/responses/{id}`, `previous_response_id`): off unless enabled, as in vLLM
 * (`VLLM_ENABLE_RESPONSES_API_STORE=1`, `--enable-responses-store`, scenario `safety.responses_store`), and then
 * bounded by entry count and by bytes, least recently used first out. Keys are minted here, never taken from the
 * client: a stored response's id is 128 random bits, so a client cannot overwrite another's entry by choosing its
 * `request_id`, nor read one by counting ids.
 */
import { randomBytes } from 'node:crypto';
import type { ResponsesStoreSettings } from '../../scenario/safety.ts';
import type { ResponseObject } from './response-types.ts';

/** A chat message of the stored conversation (the shape the chat template renders). */
type Message = Record<string, unknown>;

export interface StoredResponse {
  /** The response object as it was returned. */
  readonly response: ResponseObject;
  /** The conversation without system messages (earlier turns, this input, this output): what a follow-up continues. */
  readonly messages: readonly Message[];
  readonly bytes: number;
}

export class ResponsesStore {
  private readonly entries = new Map<string, StoredResponse>();
  private total = 0;

  constructor(private readonly settings: ResponsesStoreSettings) {}

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** An id for a response that will be stored: `resp_` and 32 random hex digits (unguessable, unique). */
  mintId(): string {
    return `resp_${randomBytes(16).toString('hex')}`;
  }

  get(id: string): StoredResponse | undefined {
    const hit = this.entries.get(id);
    if (hit) {
      // Most recently used goes last (Map order is the LRU order).
      this.entries.delete(id);
      this.entries.set(id, hit);
    }
    return hit;
  }

  /** Keeps `response` under its minted id unless the store is off or it alone is over the byte bound; evicts LRU entries. */
  put(id: string, response: ResponseObject, messages: readonly Message[]): boolean {
    if (!this.settings.enabled || this.settings.maxEntries === 0) return false;
    const bytes = Buffer.byteLength(JSON.stringify(response)) + Buffer.byteLength(JSON.stringify(messages));
    if (bytes > this.settings.maxBytes) return false;
    const old = this.entries.get(id);
    if (old) {
      this.entries.delete(id);
      this.total -= old.bytes;
    }
    this.entries.set(id, { response, messages, bytes });
    this.total += bytes;
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.settings.maxEntries && this.total <= this.settings.maxBytes) break;
      this.entries.delete(key);
      this.total -= entry.bytes;
    }
    return true;
  }

  stats(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.total };
  }
}
