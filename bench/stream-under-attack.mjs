// Run: node bin/llmsim.js serve --port 9701 --profile qwen3-8b-h100 --disable-log-stats &  then  node bench/stream-under-attack.mjs
// One client streams 2,000 tokens in real time while hostile (or just long) requests are sent one after another (a row
// of several: all at once); prints each answer and the
// worst gap between the stream's chunks while it was handled (a step is ~7 ms on this profile), then /load.
import net from 'node:net';

const U = 'http://127.0.0.1:9701';
const chat = (content, extra = {}) => JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content }], max_tokens: 8, ...extra });
const res = await fetch(`${U}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'hi' }], stream: true, max_tokens: 2000, ignore_eos: true }),
});
const reader = res.body.getReader();
let last = performance.now(),
  worst = 0,
  chunks = 0,
  done = false;
const pump = (async () => {
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    const t = performance.now();
    worst = Math.max(worst, t - last);
    last = t;
    chunks++;
  }
  done = true;
})();
await new Promise((r) => setTimeout(r, 500));
worst = 0;
// New prose-like text every call (seeded, so runs compare): random lowercase words, ~1.3 tokens each.
let seed = 12345;
const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const words = (n) =>
  Array.from({ length: n }, () => Array.from({ length: 2 + Math.floor(rand() * 7) }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('')).join(
    ' ',
  );
async function slowUpload() {
  const body = chat('slow');
  const socket = net.connect(Number(new URL(U).port), '127.0.0.1');
  let answer = '';
  socket.on('data', (d) => (answer += d));
  socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`);
  for (let i = 0; i < body.length; i += 4) {
    socket.write(body.slice(i, i + 4));
    await new Promise((r) => setTimeout(r, 40));
  }
  while (!answer.includes('\r\n\r\n{')) await new Promise((r) => setTimeout(r, 10));
  socket.destroy();
  return { status: Number(answer.split(' ')[1]), text: async () => answer.slice(answer.indexOf('\r\n\r\n') + 4) };
}
const attacks = [
  // Valid requests whose preparation is long: their clock holds must not stall the stream (a grace bounds them).
  ['valid ~20k-token unique prompt', chat(words(9000))],
  ['~45k-token prompt (400 once tokenized)', chat(words(20000))],
  ['8 such prompts at once', Array.from({ length: 8 }, () => chat(words(20000)))],
  ['one 400k-character word (slow BPE, then 400)', chat('x'.repeat(400000))],
  // A client that sends its headers, then its 86-byte body 4 bytes every 40 ms (~0.9 s): until 2026-12-04 its clock
  // hold (taken at the headers) kept every step waiting for the body: the stream stalled ~0.85 s.
  ['slow upload (body over ~0.9 s)', slowUpload],
  ['10 MB prompt', chat('x '.repeat(5 * 1024 * 1024))],
  [
    '100k parts',
    JSON.stringify({
      model: 'Qwen/Qwen3-8B',
      max_tokens: 8,
      messages: [{ role: 'user', content: Array.from({ length: 100000 }, (_, i) => ({ type: 'text', text: `part ${i}` })) }],
    }),
  ],
  ['deep nesting', `${'{"a":'.repeat(200000)}1${'}'.repeat(200000)}`],
  ['regex backtrack', chat('x', { structured_outputs: { regex: '(a|a){28,32}(?=b)' } })],
  [
    'minItems 1e8',
    chat('x', {
      max_tokens: 200,
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'array', minItems: 1e8, items: { type: 'string' } } } },
    }),
  ],
  [
    'anthropic 1 MB prompt',
    JSON.stringify({ model: 'Qwen/Qwen3-8B', max_tokens: 8, messages: [{ role: 'user', content: 'word '.repeat(200000) }] }),
    '/v1/messages',
  ],
  ['ollama 1 MB prompt', JSON.stringify({ model: 'Qwen/Qwen3-8B', stream: false, prompt: 'word '.repeat(200000) }), '/api/generate'],
];
// llmsim's own scheduler lag (how late steps fired, `llmsim:scheduler_lag_seconds`): a stream's gap can be the
// simulated GPU's (an 8k-token prefill chunk takes ~0.3 s on this profile); lag is what llmsim added to it.
const lagSum = async () => Number((await (await fetch(`${U}/metrics`)).text()).match(/^llmsim:scheduler_lag_seconds_sum (\S+)$/m)?.[1] ?? 0);
for (const [name, body, path = '/v1/chat/completions'] of attacks) {
  const before = worst;
  worst = 0;
  const lag0 = await lagSum();
  const t0 = performance.now();
  const post = (b) => fetch(`${U}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b });
  const all = typeof body === 'function' ? [await body()] : await Promise.all((Array.isArray(body) ? body : [body]).map(post));
  const r = all[0];
  const text = await r.text();
  await Promise.all(all.slice(1).map((x) => x.text()));
  console.log(
    `${name}: ${r.status} in ${(performance.now() - t0).toFixed(0)} ms, worst stream gap during it ${worst.toFixed(1)} ms, scheduler lag summed ${((await lagSum()) - lag0).toFixed(3)} s | ${text.slice(0, 90).replace(/\n/g, ' ')}`,
  );
  worst = Math.max(worst, before);
}
await pump;
console.log(`stream: ${chunks} chunks, ended ${done}`);
console.log('load', await (await fetch(`${U}/load`)).text());
