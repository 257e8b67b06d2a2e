/**
 * @module When a generation request starts its work (parsing, templating, tokenizing, planning). Three rules, each
 * for the simulated engine's timing:
 * - not before the next event-loop turn, so requests that arrived together are all read and stamped first (their
 *   arrival times are what the engine plans from);
 * - not while stream chunks are still queued (a step's flush is written in slices): a request read during a flush
 *   cannot join the step after it, which was planned before the flush began, so it loses nothing in simulated time,
 *   while planning it between slices stretched the flush into the next step;
 * - about a millisecond of them per turn: a burst of new prompts (a few hundred µs each to template and tokenize)
 *   planned back to back held the engine's step timer for milliseconds; between two turns' worth the loop runs any
 *   step that is due. One request per turn would cost a loop turn per request (a repeated non-streamed body takes
 *   ~40 µs: throughput fell to a third), so the number per turn follows the measured cost of recent requests.
 */
import { whenFlushed } from './sse-writer.ts';
import { hostMs } from '../clock/clock.ts';

const queue: (() => void)[] = [];
let pumping = false;
/** Wall ms of work to start per turn. */
const TURN_BUDGET_MS = 1;
/** Recent wall ms per started request (moving average of turn time / requests started in it). */
let costMs = 0.05;
let started = 0;
let turnEnd = 0;

export function planningTurn(): Promise<void> {
  return new Promise((resolve) => {
    queue.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  });
}

function pump(): void {
  const now = hostMs();
  // The requests started last turn ran (synchronously, up to their first wait for I/O) between then and now.
  if (started > 0) costMs = 0.7 * costMs + (0.3 * (now - turnEnd)) / started;
  started = 0;
  const flushed = whenFlushed();
  if (flushed) {
    void flushed.then(() => setImmediate(pump));
    return;
  }
  const n = Math.min(queue.length, Math.max(1, Math.floor(TURN_BUDGET_MS / costMs)));
  for (let i = 0; i < n; i++) (queue.shift() as () => void)();
  started = n;
  turnEnd = hostMs();
  if (queue.length > 0) setImmediate(pump);
  else {
    pumping = false;
    // Nothing follows to measure this turn's requests by: the next pump starts a new measurement.
    started = 0;
  }
}
