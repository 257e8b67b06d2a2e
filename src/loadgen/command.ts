/**
 * @module `llmsim bench`: samples the workload, runs it (over HTTP, or in-process with `--simulate`), prints vLLM's
 * summary, writes vLLM's result JSON (`--save-result`) and the HTML report (`--html-report`), and joins llmsim's
 * trace (`--trace-file`) for the ground truth.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseBenchArgs, BENCH_HELP, BenchUsageError, type BenchOptions } from './options.ts';
import { sampleRequests, arrivalOffsets } from './dataset.ts';
import { computeMetrics, resultJson } from './metrics.ts';
import { summaryText } from './summary.ts';
import { htmlReport, type EngineSample } from './report-html.ts';
import { joinWithTrace, readTraceFor, type GroundTruth, type TraceRecord } from './ground-truth.ts';
import { simulate } from './simulate.ts';
import { runOverHttp } from './run-http.ts';
import type { RequestOutput } from './metrics.ts';

export interface BenchReport {
  readonly result: Record<string, unknown>;
  readonly summary: string;
  readonly truth: GroundTruth | null;
  readonly html: string;
}

/** The CLI entry: exit code. */
export async function benchCommand(argv: readonly string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchArgs(argv);
  } catch (err) {
    if (!(err instanceof BenchUsageError)) throw err;
    process.stderr.write(`llmsim bench: ${err.message} (try 'llmsim bench --help')\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(BENCH_HELP);
    return 0;
  }
  try {
    const report = await runBench(options);
    process.stdout.write(report.summary);
    return 0;
  } catch (err) {
    process.stderr.write(`llmsim bench: ${(err as Error).message}\n`);
    return 1;
  }
}

export interface RunExtras {
  /** Decodes prompt ids for chat prompts (default: ids joined as words). */
  readonly promptText?: (ids: readonly number[]) => string;
}

export async function runBench(o: BenchOptions, extras: RunExtras = {}): Promise<BenchReport> {
  const samples = sampleRequests(o);
  const offsets = arrivalOffsets(samples.length, o.requestRate, o.burstiness, o.seed);
  let outputs: RequestOutput[];
  let durationS: number;
  let engine: EngineSample[];
  let trace: TraceRecord[] | null = null;
  let model = o.model ?? 'sim';
  if (o.simulate) {
    const run = simulate(o.profile, samples, offsets, o.maxConcurrency);
    ({ outputs, durationS, engine } = run);
    trace = run.trace.map((r) => ({
      request_id: r.requestId,
      arrival: r.arrival,
      first_token: r.firstToken,
      finished: r.finished,
      finish_reason: r.finishReason,
      prompt_tokens: r.promptTokens,
      cached_tokens: r.cachedTokens,
    }));
  } else {
    const baseUrl = o.baseUrl as string;
    const run = await runOverHttp(
      {
        baseUrl,
        endpoint: o.endpoint,
        model: o.model,
        ignoreEos: o.ignoreEos,
        maxConcurrency: o.maxConcurrency,
        progress: !o.disableTqdm && process.stderr.isTTY === true,
        llmsimUrl: o.llmsimUrl ?? baseUrl,
        virtualTime: o.virtualTime,
        promptText: extras.promptText ?? wordsPrompt,
      },
      samples,
      offsets,
    );
    ({ outputs, durationS, engine, model } = run);
    if (o.traceFile)
      trace = await readTraceFor(
        o.traceFile,
        outputs.filter((x) => x.success).map((x) => x.requestId),
      );
    // In virtual time the client's wall clock measures the host, not the engine: with per-token times in the trace
    // (`serve --trace-tokens`) every observation is rebuilt on simulated time, as --simulate reports it.
    if (o.virtualTime && trace?.some((r) => r.token_times)) ({ outputs, durationS } = onSimulatedTime(outputs, trace));
  }
  const metrics = computeMetrics(outputs, durationS, o.percentiles);
  const truth = trace && !o.simulate ? joinWithTrace(outputs, trace, o.simulate ? 1 : o.llmsimSpeedup) : null;
  const simulatedTime = o.simulate || (o.virtualTime && trace?.some((r) => r.token_times) === true);
  const summary = summaryText(metrics, { durationS, maxConcurrency: o.maxConcurrency, requestRate: o.requestRate, simulated: simulatedTime }, truth);
  const result = resultJson(metrics, outputs, durationS, {
    date: null,
    endpoint_type: o.endpoint.endsWith('chat/completions') ? 'openai-chat' : 'openai',
    backend: o.endpoint.endsWith('chat/completions') ? 'openai-chat' : 'openai',
    label: null,
    model_id: model,
    tokenizer_id: model,
    num_prompts: o.numPrompts,
    request_rate: o.requestRate === Infinity ? 'inf' : o.requestRate,
    burstiness: o.burstiness,
    max_concurrency: o.maxConcurrency,
    ...(truth ? { llmsim_ground_truth: { ...truth, addedTtft: undefined } } : {}),
    ...(o.simulate && trace ? { llmsim_trace: trace } : {}),
  });
  const html = htmlReport({
    title: `llmsim bench: ${o.numPrompts} x ${o.datasetName} on ${o.simulate ? `${o.profile} (simulated)` : o.baseUrl}`,
    summary,
    metrics,
    outputs,
    engine,
    truth,
    simulated: simulatedTime,
  });
  if (o.saveResult) {
    const name =
      o.resultFilename ??
      `${o.endpoint.endsWith('chat/completions') ? 'openai-chat' : 'openai'}-${o.requestRate === Infinity ? 'inf' : o.requestRate}` +
        `qps${o.maxConcurrency !== null ? `-concurrency${o.maxConcurrency}` : ''}-${model.split('/').pop()}.json`;
    const file = o.resultDir ? (mkdirSync(o.resultDir, { recursive: true }), join(o.resultDir, name)) : name;
    writeFileSync(file, JSON.stringify(result));
  }
  if (o.htmlReport) writeFileSync(o.htmlReport, html);
  return { result, summary, truth, html };
}

/** Client observations replaced by the engine's (trace with token times): TTFT, ITL and E2EL on simulated time. */
function onSimulatedTime(outputs: RequestOutput[], trace: readonly TraceRecord[]): { outputs: RequestOutput[]; durationS: number } {
  const byId = new Map(trace.map((r) => [r.request_id.replace(/^(chatcmpl-|cmpl-)/, ''), r]));
  const t0 = Math.min(...trace.map((r) => r.arrival));
  let end = 0;
  const rebuilt = outputs.map((o) => {
    const r = byId.get(o.requestId);
    const times = r?.token_times;
    if (!o.success || !r || !times || times.length === 0) return o;
    const first = times[0] as number;
    const last = times[times.length - 1] as number;
    end = Math.max(end, last - t0);
    return { ...o, startTime: r.arrival - t0, ttft: first - r.arrival, itl: times.slice(1).map((t, i) => t - (times[i] as number)), latency: last - r.arrival };
  });
  return { outputs: rebuilt, durationS: end };
}

/** Chat prompts without a tokenizer: one short word per token id (about one token each in common vocabularies). */
function wordsPrompt(ids: readonly number[]): string {
  const words = ['time', 'data', 'model', 'river', 'light', 'stone', 'cloud', 'paper', 'green', 'music', 'table', 'north', 'glass', 'field', 'story', 'train'];
  let out = '';
  for (const id of ids) out += (out ? ' ' : '') + (words[id % words.length] as string);
  return out;
}
