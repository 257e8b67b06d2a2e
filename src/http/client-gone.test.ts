import { describe, it, expect } from 'vitest';
import { EventEmitter } from 'node:events';
import type { Context } from 'hono';
import type { ServerResponse } from 'node:http';
import { departureSignal, onRequestGone, onResponseClose, watchClose } from './client-gone.ts';

/** A response as the hooks see it: 'close' once, `writableFinished` and `destroyed` flags. */
function response(): ServerResponse & { close(finished: boolean): void } {
  const res = new EventEmitter() as EventEmitter & { writableFinished: boolean; destroyed: boolean; close(finished: boolean): void };
  res.writableFinished = false;
  res.destroyed = false;
  res.close = (finished) => {
    res.writableFinished = finished;
    res.destroyed = true;
    res.emit('close');
  };
  return res as unknown as ServerResponse & { close(finished: boolean): void };
}
const contextOf = (res: ServerResponse): Context => ({ env: { outgoing: res } }) as unknown as Context;

describe('client gone hooks', () => {
  it('share one close listener: the hold is released first, then each attached callback once, unless detached', () => {
    const res = response();
    const calls: string[] = [];
    watchClose(res, () => calls.push('release'));
    onRequestGone(contextOf(res), () => calls.push('a'));
    const detachB = onResponseClose(res, () => calls.push('b'));
    onResponseClose(res, () => calls.push('c'));
    detachB();
    expect(res.listenerCount('close')).toBe(1);
    res.close(false);
    res.emit('close');
    expect(calls).toEqual(['release', 'a', 'c']);
  });

  it('tells nobody but the hold when the response finished', () => {
    const res = response();
    const calls: string[] = [];
    watchClose(res, () => calls.push('release'));
    onRequestGone(contextOf(res), () => calls.push('gone'));
    res.close(true);
    expect(calls).toEqual(['release']);
  });

  it('works without a watched response, and reports a connection already gone on a microtask', async () => {
    const res = response();
    const calls: string[] = [];
    const detach = onRequestGone(contextOf(res), () => calls.push('plain'));
    expect(res.listenerCount('close')).toBe(1);
    detach();
    expect(res.listenerCount('close')).toBe(0);
    onRequestGone(contextOf(res), () => calls.push('plain'));
    res.close(false);
    onRequestGone(contextOf(res), () => calls.push('late'));
    await Promise.resolve();
    expect(calls).toEqual(['plain', 'late']);
  });

  it('departure signal aborts once, tells its one listener, and detaches', () => {
    const res = response();
    watchClose(res, () => {});
    const signal = departureSignal(contextOf(res));
    const heard: number[] = [];
    const listener = (): number => heard.push(1);
    signal.addEventListener('abort', listener);
    signal.removeEventListener('abort', () => {});
    expect(signal.aborted).toBe(false);
    res.close(false);
    expect([signal.aborted, heard]).toEqual([true, [1]]);
    const other = response();
    watchClose(other, () => {});
    const quiet = departureSignal(contextOf(other));
    quiet.addEventListener('abort', () => heard.push(2));
    quiet.detach();
    other.close(false);
    expect([quiet.aborted, heard]).toEqual([false, [1]]);
  });
});
