/**
 * @module One streamed request as vLLM's benchmark client sends and times it (`async_request_openai_completions` /
 * `_chat_completions`): `stream: true` with usage, `ignore_eos` when asked, `x-request-id`; a chunk counts as a token
 * when it carries a choice (the chat role chunk too, as in vLLM), the request ends at its last such chunk. Written on
 * node:http with a keep-alive agent: the generator must not be the bottleneck.
 */
import { request as httpRequest, Agent } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { hostMs } from '../clock/clock.ts';
import type { RequestOutput } from './metrics.ts';
import type { SampleRequest } from './dataset.ts';

export interface Target {
  readonly url: URL;
  readonly model: string;
  readonly chat: boolean;
  readonly ignoreEos: boolean;
  readonly agent: Agent;
  /** Decodes prompt ids to text for chat prompts. */
  readonly promptText: (ids: readonly number[]) => string;
}

export function createTarget(
  baseUrl: string,
  endpoint: string,
  model: string,
  ignoreEos: boolean,
  maxSockets: number,
  promptText: Target['promptText'],
): Target {
  const url = new URL(endpoint, baseUrl);
  const agent = url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true, maxSockets }) : new Agent({ keepAlive: true, maxSockets });
  return { url, model, chat: endpoint.endsWith('/chat/completions'), ignoreEos, agent, promptText };
}

/** Extra headers for a request (a stated arrival in virtual time). */
export type ExtraHeaders = Record<string, string>;

/** Sends one request; resolves (never rejects) with what the client observed. `t0` is the benchmark's start (host ms). */
export function sendRequest(target: Target, sample: SampleRequest, t0: number, queueTime: number, extra: ExtraHeaders = {}): Promise<RequestOutput> {
  const body = target.chat
    ? {
        model: target.model,
        messages: [{ role: 'user', content: target.promptText(sample.promptIds) }],
        max_completion_tokens: sample.outputLen,
        stream: true,
        stream_options: { include_usage: true },
      }
    : {
        model: target.model,
        prompt: sample.promptIds,
        repetition_penalty: 1.0,
        max_tokens: sample.outputLen,
        stream: true,
        stream_options: { include_usage: true },
      };
  const payload = JSON.stringify(target.ignoreEos ? { ...body, ignore_eos: true } : body);
  const out: RequestOutput = {
    requestId: sample.requestId,
    success: false,
    error: '',
    promptLen: sample.promptIds.length,
    outputTokens: 0,
    ttft: 0,
    itl: [],
    latency: 0,
    startTime: 0,
    queueTime,
    generatedText: '',
    responseId: null,
  };
  return new Promise((resolve) => {
    const st = hostMs();
    out.startTime = (st - t0) / 1000;
    let last = st;
    let first = true;
    let buffer = '';
    let text = '';
    let settled = false;
    const finish = (error: string): void => {
      if (settled) return;
      settled = true;
      if (error) out.error = error;
      else if (first) out.error = 'Never received a valid chunk to calculate TTFT.This response will be marked as failed!';
      else out.success = true;
      out.generatedText = text;
      out.latency = (last - st) / 1000;
      resolve(out);
    };
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target.url,
      {
        method: 'POST',
        agent: target.agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-request-id': sample.requestId, ...extra },
      },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          res.on('end', () => finish(res.statusMessage || `HTTP ${res.statusCode}`));
          res.on('error', (e) => finish(e.message));
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, cut).trim();
            buffer = buffer.slice(cut + 2);
            if (!message.startsWith('data: ')) continue;
            const data = message.slice(6);
            if (data === '[DONE]') continue;
            const now = hostMs();
            let parsed: {
              id?: string;
              choices?: { text?: string; delta?: { content?: string } }[];
              usage?: { completion_tokens?: number; prompt_tokens?: number };
            };
            try {
              parsed = JSON.parse(data) as typeof parsed;
            } catch {
              continue;
            }
            out.responseId ??= parsed.id ?? null;
            const choice = parsed.choices?.[0];
            if (choice) {
              if (first) {
                first = false;
                out.ttft = (now - st) / 1000;
              } else out.itl.push((now - last) / 1000);
              last = now;
              text += (target.chat ? choice.delta?.content : choice.text) ?? '';
            } else if (parsed.usage) {
              out.outputTokens = parsed.usage.completion_tokens ?? 0;
              if (parsed.usage.prompt_tokens !== undefined) out.promptLen = parsed.usage.prompt_tokens;
            }
          }
        });
        res.on('end', () => finish(''));
        res.on('error', (e) => finish(e.message));
        res.on('aborted', () => finish('aborted'));
      },
    );
    req.on('error', (e) => finish(e.message));
    req.end(payload);
  });
}
