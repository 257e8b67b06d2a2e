/**
 * @module Unique-prompt throughput by preparation workers (issue 12): a new ~1,000-token prompt every request (random
 * token ids decoded, as `vllm bench serve --dataset-name random`), non-streamed chat, max_tokens 1, instant profile,
 * 16 in flight. Reports req/s and server CPU ms per request for each `--prepare-workers` value. The server may use
 * cores 0-1; the client runs unpinned (on a 2-core machine it competes with the server).
 *
 *   node --import tsx bench/prepare-workers.ts [requests=400] [workers=0,1,2]
 */
import http from 'node:http';
import { startPinned } from './processes.ts';
import { randomPrompts } from './random-prompts.ts';

const count = Number(process.argv[2] ?? 400);
const settings = (process.argv[3] ?? '0,1,2').split(',').map(Number);
const prompts = randomPrompts(count * settings.length, 1000, 7);
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

process.stdout.write('| --prepare-workers | requests | req/s | server CPU ms / request | errors |\n| --- | --- | --- | --- | --- |\n');
let next = 0;
for (const [k, workers] of settings.entries()) {
  const port = 9190 + k;
  const server = await startPinned(
    ['bin/llmsim.js', 'serve', '--port', String(port), '--profile', 'instant', '--prepare-workers', String(workers)],
    port,
    '0-1' as unknown as number,
    /serving .* on http/,
  );
  // Workers load their tokenizer after start: one request per worker warms them.
  await Promise.all(
    Array.from({ length: Math.max(1, workers) }, () =>
      post(`${server.url}/v1/chat/completions`, JSON.stringify({ messages: [{ role: 'user', content: 'warm' }], max_tokens: 1 })),
    ),
  );
  const cpu0 = server.cpuSeconds();
  const started = performance.now();
  let errors = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < (k + 1) * count; i = next++) {
      const status = await post(
        `${server.url}/v1/chat/completions`,
        JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: prompts[i] }], max_tokens: 1 }),
      );
      if (status !== 200) errors++;
    }
  };
  next = k * count;
  await Promise.all(Array.from({ length: 16 }, lane));
  const seconds = (performance.now() - started) / 1000;
  const cpu = server.cpuSeconds() - cpu0;
  process.stdout.write(`| ${workers} | ${count} | ${(count / seconds).toFixed(0)} | ${((cpu * 1000) / count).toFixed(2)} | ${errors} |\n`);
  await server.stop();
}
agent.destroy();
