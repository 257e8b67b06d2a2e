/**
 * @module The engine's waiting queue: FCFS, or (priority, arrival order) under `--scheduling-policy priority`, as
 * vLLM V1 orders it. A preempted sequence goes back to the front (FCFS) or keeps its place (priority).
 */
import type { Seq } from './sequence.ts';

export interface WaitingQueue {
  readonly length: number;
  at(i: number): Seq;
  /** Adds a sequence and marks it waiting; `front` for a preempted one. */
  add(seq: Seq, front: boolean): void;
  /** Index of the first sequence that had reached the queue by `time` (-1: none). */
  firstArrived(time: number): number;
  removeAt(i: number): void;
  remove(seq: Seq): void;
  /** Distinct requests waiting (n > 1 choices are one request with several sequences). */
  requests(): number;
  loras(): string[];
  clear(): void;
}

export function createWaitingQueue(priority: boolean): WaitingQueue {
  const items: Seq[] = [];
  return {
    get length() {
      return items.length;
    },
    at: (i) => items[i] as Seq,
    add(seq, front) {
      seq.state = 'waiting';
      if (!priority) {
        if (front) items.unshift(seq);
        else items.push(seq);
        return;
      }
      let i = items.length;
      while (i > 0 && before(seq, items[i - 1] as Seq)) i--;
      items.splice(i, 0, seq);
    },
    firstArrived(time) {
      for (let i = 0; i < items.length; i++) if ((items[i] as Seq).req.queued <= time) return i;
      return -1;
    },
    removeAt(i) {
      if (i === 0) items.shift();
      else items.splice(i, 1);
    },
    remove(seq) {
      const i = items.indexOf(seq);
      if (i >= 0) items.splice(i, 1);
    },
    requests: () => (items.length === 0 ? 0 : new Set(items.map((s) => s.req)).size),
    loras: () => loraNames(items),
    clear() {
      items.length = 0;
    },
  };
}

/** The distinct LoRA adapters of some sequences, sorted (for the `vllm:lora_requests_info` gauge). */
/** `--max-loras`: a sequence may join the running batch if its adapter is already there or a slot is free. */
export function loraAllowed(running: readonly Seq[], seq: Seq, maxLoras: number | undefined): boolean {
  const lora = seq.req.request.lora;
  if (!lora || maxLoras === undefined) return true;
  const active = new Set(running.map((s) => s.req.request.lora).filter(Boolean));
  return active.has(lora) || active.size < maxLoras;
}

export function loraNames(list: readonly Seq[]): string[] {
  return [...new Set(list.map((s) => s.req.request.lora).filter((l): l is string => l !== undefined))].sort();
}

function before(a: Seq, b: Seq): boolean {
  const pa = a.req.request.priority;
  const pb = b.req.request.priority;
  return pa < pb || (pa === pb && a.req.order < b.req.order);
}
