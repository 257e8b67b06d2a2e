/**
 * @module Does one heavy request stall the others? (issue 12 target: the worst gap between `GET /health` answers,
 * polled every 10 ms, stays under 100 ms during each attack.) Starts llmsim (instant profile, pinned to core 0) with
 * the given extra flags, polls /health over one keep-alive socket, fires each attack in turn and reports the worst
 * gap seen while it was in flight, its status, and how long a small request sent during the attack took.
 *
 *   node --import tsx bench/health-gap.ts                       # the server's defaults
 *   node --import tsx bench/health-gap.ts --prepare-workers 0   # preparation on the engine's thread
 */
import http from 'node:http';
import { llmsim } from './processes.ts';

const MODEL = 'Qwen/Qwen3-8B';
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

interface Answer {
  readonly status: number;
  readonly ms: number;
}

function post(url: string, body: string, abortAfterMs?: number): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.on('error', () => resolve({ status: -1, ms: performance.now() - started }));
    req.end(body);
    if (abortAfterMs !== undefined) setTimeout(() => req.destroy(), abortAfterMs);
  });
}

/** Polls /health every 10 ms; `gapsDuring(p)` is the longest interval between answers while `p` runs. */
function healthPoller(base: string): { during<T>(p: Promise<T>): Promise<{ value: T; worstGapMs: number }>; stop(): void } {
  const healthAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let last = performance.now();
  let worst = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    const sent = performance.now();
    http
      .get(`${base}/health`, { agent: healthAgent }, (res) => {
        res.resume();
        res.on('end', () => {
          const now = performance.now();
          worst = Math.max(worst, now - last);
          last = now;
          setTimeout(tick, Math.max(0, 10 - (now - sent)));
        });
      })
      .on('error', () => setTimeout(tick, 10));
  };
  tick();
  return {
    async during(p) {
      worst = 0;
      last = performance.now();
      const value = await p;
      const now = performance.now();
      return { value, worstGapMs: Math.max(worst, now - last) };
    },
    stop() {
      running = false;
      healthAgent.destroy();
    },
  };
}

const chat = (content: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }], max_tokens: 8, ...extra });

let seq = 0;
const words = (n: number): string => {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`w${(i * 7919 + seq) % 100_003}`);
  seq++;
  return out.join(' ');
};

const hugeSchema = (): Record<string, unknown> => {
  const properties: Record<string, unknown> = {};
  for (let i = 0; i < 20_000; i++) properties[`field_${i}`] = { type: 'string', pattern: '[a-z]{3,8}' };
  return { type: 'object', properties, required: Object.keys(properties) };
};

const heavyTemplate = '{% for m in messages %}{% for i in range(200) %}{{ m.content }}{% endfor %}{% endfor %}';

interface Attack {
  readonly name: string;
  run(base: string): Promise<Answer>;
}

const attacks: Attack[] = [
  { name: '10 MB prompt', run: (b) => post(`${b}/v1/chat/completions`, chat('x '.repeat(5 * 1024 * 1024))) },
  { name: '2 MB unique prose prompt', run: (b) => post(`${b}/v1/chat/completions`, chat(words(300_000))) },
  {
    name: '100k-part message',
    run: (b) => post(`${b}/v1/chat/completions`, chat(Array.from({ length: 100_000 }, (_, i) => ({ type: 'text', text: `part ${i}` })))),
  },
  {
    name: 'structured output, 20k-property schema',
    run: (b) =>
      post(
        `${b}/v1/chat/completions`,
        chat('fill it', { max_tokens: 4000, response_format: { type: 'json_schema', json_schema: { name: 'big', schema: hugeSchema() } } }),
      ),
  },
  { name: 'trusted long request template', run: (b) => post(`${b}/v1/chat/completions`, chat(words(2_000), { chat_template: heavyTemplate })) },
  {
    name: '50 abandoned 8k-token prompts',
    run: async (b) => {
      const abandoned = Array.from({ length: 50 }, () => post(`${b}/v1/chat/completions`, chat(words(8_000)), 20));
      await Promise.all(abandoned);
      return { status: 0, ms: 0 };
    },
  },
];

const extra = process.argv.slice(2);
const server = await llmsim(Number(process.env['HEALTH_GAP_PORT'] ?? 9170), ['--profile', 'instant', '--trust-request-chat-template', ...extra]);
const poller = healthPoller(server.url);
process.stdout.write(
  `health-gap bench: llmsim ${extra.join(' ') || '(defaults)'}\n\n| attack | status | attack ms | small request ms | worst /health gap ms |\n| --- | --- | --- | --- | --- |\n`,
);
const small = chat('Hello there', { max_tokens: 4 });
for (const attack of attacks) {
  await post(`${server.url}/v1/chat/completions`, small);
  const attacked = attack.run(server.url);
  const probe = new Promise<Answer>((resolve) => setTimeout(() => resolve(post(`${server.url}/v1/chat/completions`, small)), 30));
  const { value, worstGapMs } = await poller.during(Promise.all([attacked, probe]));
  const [a, p] = value;
  process.stdout.write(`| ${attack.name} | ${a.status} | ${a.ms.toFixed(0)} | ${p.ms.toFixed(1)} | ${worstGapMs.toFixed(1)} |\n`);
}
const load = await fetch(`${server.url}/load`).then((r) => r.text());
process.stdout.write(`\n/load after the attacks: ${load}\n`);
poller.stop();
agent.destroy();
await server.stop();
