/**
 * @module vLLM's Prometheus metrics (protocol.md §C: names, HELP, labels, buckets) fed by engine observers, plus
 * `llmsim:scheduler_lag_seconds`, `llmsim:step_delivery_lag_seconds` and `llmsim:faults_injected_total`. Gauges and
 * counters use prom-client (its own Registry); histograms use FastHistogram, which costs one array increment per
 * observation and prints labels in vLLM's (sorted) order.
 */
import { Registry, Gauge, Counter } from 'prom-client';
import type { EngineObserver, ModelMetricsSource } from '../engine/observer.ts';
import type { EngineStats } from '../engine/types.ts';
import { FastHistogram } from './fast-histogram.ts';
import { pyFloat } from '../protocol/pyformat.ts';
import { FAULT_KINDS } from '../protocol/fault-kinds.ts';

const TTFT = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];
const ITL = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];
const REQUEST = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];
const ITERATION = [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];
const N_BUCKETS = [1, 2, 5, 10, 20];
const LAG = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1];
const FINISH_REASONS = ['stop', 'length', 'abort', 'error'] as const;

/** prometheus_client's byte form of prom-client output: labels sorted by name, values as Python floats (`1.0`). */
function pythonStyle(text: string): string {
  // A label value may hold `}`, `,`, spaces or escaped quotes (a served model name is the operator's choice): the label
  // block is matched as quoted strings, not up to the first `}`.
  return text.replace(/^([^#\s{]+)(\{(?:[^"}]|"(?:[^"\\]|\\.)*")*\})? (\S+)$/gm, (_line, name: string, labels: string | undefined, value: string) => {
    const sorted = labels ? `{${(labels.slice(1, -1).match(/[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"/g) ?? []).sort().join(',')}}` : '';
    const n = Number(value);
    return `${name}${sorted} ${Number.isNaN(n) ? value : pyFloat(n)}`;
  });
}

/** 1-2-5 series up to max_model_len, as vLLM's `build_1_2_5_buckets`. */
function buckets125(max: number): number[] {
  const out: number[] = [];
  for (let m = 1; ; m *= 10)
    for (const k of [1, 2, 5]) {
      if (k * m > max) return out;
      out.push(k * m);
    }
}

interface FastCounter {
  /** The adder of one label set (the series appears at 0 from the first call). */
  cell(labels: Record<string, string>): (n?: number) => void;
}

export interface MetricsRegistry {
  /** The observer to hand to one model's engine. */
  observerFor(modelName: string, engine?: string): EngineObserver;
  addModel(source: ModelMetricsSource): void;
  /** Time source for timestamp-valued gauges (the clock module's Unix seconds). */
  setClock(unixSeconds: () => number): void;
  schedulerLag(seconds: number): void;
  stepDeliveryLag(seconds: number): void;
  fault(kind: string): void;
  render(): Promise<string>;
}

export function createMetrics(): MetricsRegistry {
  const registry = new Registry();
  const sources = new Map<string, ModelMetricsSource>();
  const labels = ['engine', 'model_name'] as const;
  const gauge = (name: string, help: string, read: (s: EngineStats) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: labels,
      registers: [registry],
      collect() {
        for (const src of sources.values()) this.set({ engine: src.engine ?? '0', model_name: src.name }, read(src.stats()));
      },
    });
  };
  gauge('vllm:num_requests_running', 'Number of requests in model execution batches.', (s) => s.running);
  gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', (s) => s.waiting);
  gauge('vllm:kv_cache_usage_perc', 'KV-cache usage. 1 means 100 percent usage.', (s) => s.kvCacheUsage);
  // Counters are bumped on the hot path (per step, per request) as plain numbers; prom-client is told at scrape time
  // (its inc() validates and hashes the labels on every call, which cost more than the rest of a small request).
  const counter = (name: string, help: string, extra: string[] = []): FastCounter => {
    const cells = new Map<string, { labels: Record<string, string>; value: number; reported: number }>();
    new Counter({
      name,
      help,
      labelNames: [...labels, ...extra],
      registers: [registry],
      collect() {
        for (const cell of cells.values()) {
          this.inc(cell.labels, cell.value - cell.reported);
          cell.reported = cell.value;
        }
      },
    });
    return {
      cell(l) {
        const key = JSON.stringify(l);
        let cell = cells.get(key);
        if (!cell) cells.set(key, (cell = { labels: l, value: 0, reported: 0 }));
        const c = cell;
        return (n = 1) => {
          c.value += n;
        };
      },
    };
  };
  const promptTokens = counter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.');
  const generationTokens = counter('vllm:generation_tokens_total', 'Number of generation tokens processed.');
  const success = counter('vllm:request_success_total', 'Count of successfully processed requests.', ['finished_reason']);
  const preemptions = counter('vllm:num_preemptions_total', 'Cumulative number of preemption from the engine.');
  const cacheQueries = counter('vllm:prefix_cache_queries_total', 'Prefix cache queries, in terms of number of queried tokens.');
  const cacheHits = counter('vllm:prefix_cache_hits_total', 'Prefix cache hits, in terms of number of cached tokens.');
  const faults = new Counter({ name: 'llmsim:faults_injected_total', help: 'Faults injected, by kind.', labelNames: ['kind'], registers: [registry] });
  for (const kind of FAULT_KINDS) faults.inc({ kind }, 0);
  const cacheInfo: string[] = [];
  // vLLM: value = Unix time of the last update, labels name the adapters running and waiting (no engine/model labels).
  let loraInfoNow: () => number = () => 0;
  let loraInfoUpdated = 0;
  new Gauge({
    name: 'vllm:lora_requests_info',
    help: 'Running stats on lora requests.',
    labelNames: ['max_lora', 'running_lora_adapters', 'waiting_lora_adapters'],
    registers: [registry],
    collect() {
      this.reset();
      loraInfoUpdated = loraInfoNow();
      for (const src of sources.values()) {
        if (src.maxLoras === undefined) continue;
        const s = src.stats();
        this.set(
          { max_lora: String(src.maxLoras), running_lora_adapters: (s.runningLoras ?? []).join(','), waiting_lora_adapters: (s.waitingLoras ?? []).join(',') },
          loraInfoUpdated,
        );
      }
    },
  });

  const h = (name: string, help: string, buckets: readonly number[]) => new FastHistogram(name, help, buckets);
  const ttft = h('vllm:time_to_first_token_seconds', 'Histogram of time to first token in seconds.', TTFT);
  const itl = h('vllm:inter_token_latency_seconds', 'Histogram of inter-token latency in seconds.', ITL);
  const tpot = h(
    'vllm:time_per_output_token_seconds',
    'Histogram of time per output token in seconds.DEPRECATED: Use vllm:inter_token_latency_seconds instead.',
    ITL,
  );
  const requestTpot = h('vllm:request_time_per_output_token_seconds', 'Histogram of time_per_output_token_seconds per request.', ITL);
  const e2e = h('vllm:e2e_request_latency_seconds', 'Histogram of e2e request latency in seconds.', REQUEST);
  const queue = h('vllm:request_queue_time_seconds', 'Histogram of time spent in WAITING phase for request.', REQUEST);
  const prefill = h('vllm:request_prefill_time_seconds', 'Histogram of time spent in PREFILL phase for request.', REQUEST);
  const decode = h('vllm:request_decode_time_seconds', 'Histogram of time spent in DECODE phase for request.', REQUEST);
  const inference = h('vllm:request_inference_time_seconds', 'Histogram of time spent in RUNNING phase for request.', REQUEST);
  const iteration = h('vllm:iteration_tokens_total', 'Histogram of number of tokens per engine_step.', ITERATION);
  const paramsN = h('vllm:request_params_n', 'Histogram of the n request parameter.', N_BUCKETS);
  const lengthHistograms: FastHistogram[] = [];
  const lag = new FastHistogram(
    'llmsim:scheduler_lag_seconds',
    "How late each engine step fired against its planned end, counting a step as fired once the earlier steps' chunks were written (wall " +
      'seconds); grows when llmsim itself is saturated.',
    LAG,
  );
  const observeLag = lag.series_(null);
  const delivery = new FastHistogram(
    'llmsim:step_delivery_lag_seconds',
    "How late the last stream chunk of each engine step was written to its socket, against the step's planned end (wall seconds).",
    LAG,
  );
  const observeDelivery = delivery.series_(null);
  const histograms = (): FastHistogram[] => [ttft, itl, tpot, requestTpot, e2e, queue, prefill, decode, inference, iteration, paramsN, ...lengthHistograms];

  return {
    addModel(source) {
      const engine = source.engine ?? '0';
      sources.set(`${engine}\u0000${source.name}`, source);
      const l = { engine, model_name: source.name };
      for (const c of [promptTokens, generationTokens, preemptions, cacheQueries, cacheHits]) c.cell(l);
      for (const reason of FINISH_REASONS) success.cell({ ...l, finished_reason: reason });
      if (lengthHistograms.length === 0) {
        const b = buckets125(source.maxModelLen);
        lengthHistograms.push(
          h('vllm:request_prompt_tokens', 'Number of prefill tokens processed.', b),
          h('vllm:request_generation_tokens', 'Number of generation tokens processed.', b),
          h('vllm:request_max_num_generation_tokens', 'Histogram of maximum number of requested generation tokens.', b),
          h('vllm:request_params_max_tokens', 'Histogram of the max_tokens request parameter.', b),
        );
      }
      for (const hist of histograms()) hist.series_(source.name, engine);
      if (cacheInfo.length === 0)
        cacheInfo.push(
          `# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig\n# TYPE vllm:cache_config_info gauge\nvllm:cache_config_info{${Object.entries(
            { engine: '0', ...source.cacheConfig },
          )
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, v]) => `${k}="${v}"`)
            .join(',')}} 1\n`,
        );
    },
    setClock(unixSeconds: () => number) {
      loraInfoNow = unixSeconds;
    },
    observerFor(modelName, engine = '0') {
      const l = { engine, model_name: modelName };
      const addGenerated = generationTokens.cell(l);
      const addPreemption = preemptions.cell(l);
      const addQueried = cacheQueries.cell(l);
      const addHit = cacheHits.cell(l);
      const addPrompt = promptTokens.cell(l);
      const addSuccess = new Map(FINISH_REASONS.map((reason) => [reason as string, success.cell({ ...l, finished_reason: reason })]));
      const [obsTtft, obsItl, obsTpot, obsReqTpot, obsE2e, obsQueue, obsPrefill, obsDecode, obsInference, obsIteration, obsN] = [
        ttft,
        itl,
        tpot,
        requestTpot,
        e2e,
        queue,
        prefill,
        decode,
        inference,
        iteration,
        paramsN,
      ].map((x) => x.series_(modelName, engine)) as ((v: number) => void)[];
      const lens = (): ((v: number) => void)[] => lengthHistograms.map((x) => x.series_(modelName, engine));
      let obsLens: ((v: number) => void)[] | null = null;
      return {
        step: (r) => {
          if (r.scheduledTokens > 0) obsIteration!(r.scheduledTokens);
          if (r.generatedTokens > 0) addGenerated(r.generatedTokens);
        },
        tokenGap: (s) => {
          obsItl!(s);
          obsTpot!(s);
        },
        prefixCache: (queried, hit) => {
          addQueried(queried);
          if (hit > 0) addHit(hit);
        },
        preemption: () => addPreemption(),
        promptDone: (tokens) => addPrompt(tokens),
        requestDone: (r) => {
          (addSuccess.get(r.finishReason) ?? success.cell({ ...l, finished_reason: r.finishReason }))();
          obsN!(r.generatedTokens.length);
          if (r.finishReason === 'abort') return;
          const generated = r.generatedTokens.reduce((a, b) => a + b, 0);
          const maxGen = Math.max(...r.generatedTokens);
          obsLens ??= lens();
          const [pl, gl, mg, mt] = obsLens as ((v: number) => void)[];
          pl?.(r.promptTokens);
          gl?.(generated);
          mg?.(maxGen);
          mt?.(r.maxTokens);
          obsE2e!(r.finished - r.arrival);
          if (r.firstScheduled !== null) {
            obsQueue!(r.firstScheduled - r.queued);
            obsInference!(r.finished - r.firstScheduled);
          }
          if (r.firstToken !== null) {
            obsTtft!(r.firstToken - r.arrival);
            if (r.firstScheduled !== null) obsPrefill!(r.firstToken - r.firstScheduled);
            obsDecode!(r.finished - r.firstToken);
            if (maxGen > 1) obsReqTpot!((r.finished - r.firstToken) / (maxGen - 1));
          }
        },
      };
    },
    schedulerLag: (seconds) => observeLag(seconds),
    stepDeliveryLag: (seconds) => observeDelivery(seconds),
    fault: (kind) => faults.inc({ kind }, 1),
    async render() {
      return (
        pythonStyle(await registry.metrics()) +
        cacheInfo.join('') +
        histograms()
          .map((x) => x.render())
          .join('') +
        lag.render() +
        delivery.render()
      );
    },
  };
}
