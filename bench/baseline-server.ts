/**
 * @module The bare node:http baseline: does the minimum for the same wire bytes as llmsim. Non-streaming chat: parse the
 * body and reply with a chat.completion of the same shape. Streaming: one shared step timer (absolute deadlines) writes one
 * chunk to every open stream per step — the cheapest design a simulator could use — and records its scheduling lag
 * (how late each step fired) and delivery lag (how late its last chunk was written), as llmsim's
 * `llmsim:scheduler_lag_seconds` and `llmsim:step_delivery_lag_seconds` count them.
 */
import { createServer, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

const port = Number(process.argv[2] ?? 9100);
const itlMs = Number(process.argv[3] ?? 20);
const WORDS = [' the', ' cache', ' keeps', ' recent', ' prompts', ' so', ' a', ' repeated', ' prefix', ' is', ' fast', '.'];
const HEAD =
  'data: {"id":"chatcmpl-0123456789abcdef0123456789abcdef","object":"chat.completion.chunk","created":1730000000,"model":"Qwen/Qwen3-8B","choices":[{"index":0,"delta":{"content":';
const TAIL = '},"logprobs":null,"finish_reason":null,"token_ids":null}]}\n\n';

interface Stream {
  res: ServerResponse;
  left: number;
  alive: boolean;
}
const streams = new Set<Stream>();
const lags: number[] = [];
const deliveryLags: number[] = [];
let events = 0;
let nextStep = 0;
let timer: NodeJS.Timeout | null = null;

function step(): void {
  timer = null;
  const now = performance.now();
  const due = nextStep;
  // Scheduler lag as llmsim counts it: how late the step fired (the previous step's writes are done by now).
  if (streams.size > 0) lags.push(now - due);
  for (const s of streams) {
    if (!s.alive) continue;
    s.left--;
    events++;
    const word = WORDS[s.left % WORDS.length] as string;
    if (s.left <= 0) {
      s.res.end(`${HEAD}${JSON.stringify(word)}${TAIL}data: [DONE]\n\n`);
      streams.delete(s);
    } else s.res.write(`${HEAD}${JSON.stringify(word)}${TAIL}`);
  }
  // Delivery lag as llmsim counts it: how late the step's last token was handed to its socket. res.write corks each
  // socket and writes it on the next tick; a tick queued after all of them runs once they are written.
  if (streams.size > 0) process.nextTick(() => deliveryLags.push(performance.now() - due));
  arm(now);
}

function arm(now: number): void {
  if (timer || streams.size === 0) return;
  nextStep = Math.max(nextStep + itlMs, now);
  timer = setTimeout(step, Math.max(0, nextStep - performance.now()));
}

function completion(words: number): string {
  let content = '';
  for (let i = 0; i < words; i++) content += WORDS[i % WORDS.length];
  return JSON.stringify({
    id: 'chatcmpl-0123456789abcdef0123456789abcdef',
    object: 'chat.completion',
    created: 1730000000,
    model: 'Qwen/Qwen3-8B',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          annotations: null,
          audio: null,
          function_call: null,
          tool_calls: [],
          reasoning: null,
          reasoning_content: null,
        },
        logprobs: null,
        finish_reason: 'length',
        stop_reason: null,
        token_ids: null,
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage: { prompt_tokens: 12, total_tokens: 12 + words, completion_tokens: words, prompt_tokens_details: null },
    prompt_logprobs: null,
    prompt_token_ids: null,
    kv_transfer_params: null,
  });
}

createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    const q = (list: number[], p: number): number => {
      const sorted = [...list].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
    };
    res.end(
      JSON.stringify({
        events,
        lag_p50_ms: q(lags, 0.5),
        lag_p99_ms: q(lags, 0.99),
        delivery_p99_ms: q(deliveryLags, 0.99),
        rss: process.memoryUsage().rss,
        streams: streams.size,
      }),
    );
    lags.length = 0;
    deliveryLags.length = 0;
    events = 0;
    return;
  }
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    const parsed = JSON.parse(body) as { stream?: boolean; max_tokens?: number };
    const tokens = parsed.max_tokens ?? 16;
    if (!parsed.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(completion(tokens));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    const s: Stream = { res, left: tokens, alive: true };
    res.on('close', () => {
      s.alive = false;
      streams.delete(s);
    });
    streams.add(s);
    arm(performance.now());
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`baseline listening on ${port}\n`));
