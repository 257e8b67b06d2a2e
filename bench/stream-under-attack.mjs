// Run: node bin/llmsim.js serve --port 9701 --profile qwen3-8b-h100 --disable-log-stats &  then  node bench/stream-under-attack.mjs
// One client streams 1,200 tokens in real time while hostile requests are sent one after another; prints each answer and the
// worst gap between the stream's chunks while it was handled (a step is ~7 ms on this profile), then /load.
const U = 'http://127.0.0.1:9701';
const chat = (content, extra = {}) => JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content }], max_tokens: 8, ...extra });
const res = await fetch(`${U}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'hi' }], stream: true, max_tokens: 1200, ignore_eos: true }),
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
const attacks = [
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
for (const [name, body, path = '/v1/chat/completions'] of attacks) {
  const before = worst;
  worst = 0;
  const t0 = performance.now();
  const r = await fetch(`${U}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await r.text();
  console.log(
    `${name}: ${r.status} in ${(performance.now() - t0).toFixed(0)} ms, worst stream gap during it ${worst.toFixed(1)} ms | ${text.slice(0, 90).replace(/\n/g, ' ')}`,
  );
  worst = Math.max(worst, before);
}
await pump;
console.log(`stream: ${chunks} chunks, ended ${done}`);
console.log('load', await (await fetch(`${U}/load`)).text());
