/** @module Mid-stream faults played on a stream writer: stall, truncate (no terminator), TCP drop, vLLM error event, malformed chunk. */
import type { ServerResponse } from 'node:http';
import type { StreamWriter } from '../http/stream-writer.ts';
import type { Fault } from './schema.ts';
import type { FaultInjector } from './injector.ts';

/** What a stream needs to play a mid-stream fault. */
export interface ActiveFault {
  readonly fault: Fault;
  readonly injector: FaultInjector;
  /** Runs `fn` after `seconds` of simulated time; returns a cancel function. */
  readonly after: (seconds: number, fn: () => void) => () => void;
}

/** vLLM ≥ 0.10.1 mid-stream error: `json.dumps` spacing, then the usual terminator. */
const VLLM_ERROR_EVENT = 'data: {"error": {"message": "Internal server error", "type": "InternalServerError", "param": null, "code": 500}}\n\ndata: [DONE]\n\n';
const OLLAMA_ERROR_LINE = '{"error":"an error was encountered while running the model"}\n';

/**
 * Wraps `inner` so the fault fires after `after_tokens` writes (each write is one engine step's frames).
 * Faults that end the stream call `abort` so the engine frees the request, exactly as a disconnect would.
 */
export function withFault(inner: StreamWriter, res: ServerResponse, active: ActiveFault, contentType: string, abort: () => void): StreamWriter {
  const { fault, injector, after } = active;
  const ndjson = contentType.includes('ndjson');
  const threshold = fault.after_tokens ?? 1;
  let writes = 0;
  let fired = false;
  let ended = false;
  let stalled = false;
  let held = '';
  let heldEnd: string | null = null;

  const fire = (): boolean => {
    fired = true;
    injector.count(fault.kind);
    switch (fault.kind) {
      case 'stall':
        stalled = true;
        after(fault.duration ?? 1, () => {
          stalled = false;
          if (held) inner.write(held);
          held = '';
          if (heldEnd !== null) inner.end(heldEnd);
        });
        return false;
      case 'truncate':
        ended = true;
        res.end();
        abort();
        return true;
      case 'drop':
        ended = true;
        res.destroy();
        return true;
      case 'error_event':
        ended = true;
        inner.end(ndjson ? OLLAMA_ERROR_LINE : VLLM_ERROR_EVENT);
        abort();
        return true;
      case 'malformed_chunk':
        inner.write(ndjson ? '{"model": broken\n' : 'data: {"id": "chatcmpl-malformed", broken\n\n');
        return false;
      default:
        return false;
    }
  };

  return {
    get closed() {
      return ended || inner.closed;
    },
    write(chunk, now) {
      if (ended) return;
      if (!fired && ++writes >= threshold && fire()) return;
      if (stalled) held += chunk;
      else inner.write(chunk, now);
    },
    end(chunk = '') {
      if (ended) return;
      if (!fired && threshold === 0 && fire()) return;
      if (stalled) heldEnd = chunk;
      else inner.end(chunk);
    },
  };
}
