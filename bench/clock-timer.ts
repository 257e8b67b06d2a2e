/**
 * @module The real-time clock alone at light load: a chain of 700 step timers 7.3 ms apart (one stream of an 8B model on
 * an H100, ~137 steps/s), the process's CPU and how late each timer ran, next to a bare `setTimeout(7)` chain.
 * Run: `node --import tsx bench/clock-timer.ts`.
 */
import { createRealClock } from '../src/clock/clock.ts';

const STEPS = 700;
const GAP_S = 0.0073;

function clockChain(): Promise<{ cpuPercent: number; lateP50: number; lateP99: number }> {
  const clock = createRealClock();
  const lates: number[] = [];
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  return new Promise((resolve) => {
    const step = (t: number): void => {
      clock.at(t, () => {
        lates.push((clock.now() - t) * 1000);
        if (lates.length < STEPS) return step(t + GAP_S);
        const u = process.cpuUsage(cpu0);
        lates.sort((a, b) => a - b);
        resolve({
          cpuPercent: (u.user + u.system) / 10 / (performance.now() - w0),
          lateP50: lates[STEPS >> 1] as number,
          lateP99: lates[Math.floor(STEPS * 0.99)] as number,
        });
      });
    };
    step(clock.now() + GAP_S);
  });
}

function bareChain(): Promise<number> {
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  let n = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      if (++n < STEPS) return void setTimeout(tick, 7);
      const u = process.cpuUsage(cpu0);
      resolve((u.user + u.system) / 10 / (performance.now() - w0));
    };
    setTimeout(tick, 7);
  });
}

console.log('| run | clock CPU % | timer late p50 ms | p99 ms | bare setTimeout CPU % |');
console.log('| --- | --- | --- | --- | --- |');
for (let i = 1; i <= 3; i++) {
  const c = await clockChain();
  const b = await bareChain();
  console.log(`| ${i} | ${c.cpuPercent.toFixed(1)} | ${c.lateP50.toFixed(3)} | ${c.lateP99.toFixed(2)} | ${b.toFixed(1)} |`);
}
