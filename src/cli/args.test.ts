import { describe, expect, it } from 'vitest';
import { parseServeArgs, UsageError } from './args.ts';
import type { ServeOptions } from '../scenario/options.ts';

const parse = (line: string, env: NodeJS.ProcessEnv = {}): ServeOptions => {
  const options = parseServeArgs(line.split(/\s+/).filter(Boolean), env);
  if (options === 'help') throw new Error('help');
  return options;
};

describe('vLLM command lines', () => {
  it('takes the model positionally and vLLM flags in both spellings', () => {
    const o = parse('meta-llama/Llama-3.1-8B-Instruct --max_num_seqs=32 --max-num-batched-tokens 4096 --block_size 32 -tp 2 --port=8001');
    expect(o.models).toEqual(['meta-llama/Llama-3.1-8B-Instruct']);
    expect(o.engine).toMatchObject({ maxNumSeqs: 32, maxNumBatchedTokens: 4096, blockSize: 32, tensorParallelSize: 2 });
    expect(o.port).toBe(8001);
  });

  it('accepts flags without effect and lists them', () => {
    const o = parse(
      'Qwen/Qwen3-8B --dtype bfloat16 --trust-remote-code --enforce-eager --no-enable-chunked-prefill --kv-cache-dtype fp8 --hf-token ' +
        '--ignore-patterns a b --disable-log-requests -O3 --uvicorn-log-level=warning',
    );
    expect(o.models).toEqual(['Qwen/Qwen3-8B']);
    expect(o.ignoredFlags).toEqual([
      '--dtype',
      '--trust-remote-code',
      '--enforce-eager',
      '--no-enable-chunked-prefill',
      '--kv-cache-dtype',
      '--hf-token',
      '--ignore-patterns',
      '--compilation-config',
      '--uvicorn-log-level',
    ]);
  });

  it('reads --no-X for vLLM booleans that act', () => {
    expect(parse('--no-enable-prefix-caching').engine.enablePrefixCaching).toBe(false);
    expect(parse('--enable-prefix-caching').engine.enablePrefixCaching).toBe(true);
    expect(parse('--enable-log-requests --no-enable-log-requests').logRequests).toBe(false);
  });

  it('takes nargs lists and JSON values', () => {
    const o = parse('m --served-model-name a b --api-key k1 k2 --lora-modules x=/p/x y=/p/y --data-parallel-size 2');
    expect(o.servedModelNames).toEqual(['a', 'b']);
    expect(o.apiKeys).toEqual(['k1', 'k2']);
    expect(o.loraModules).toEqual([
      { name: 'x', path: '/p/x' },
      { name: 'y', path: '/p/y' },
    ]);
    expect(o.dataParallelSize).toBe(2);
    // Unset: the server takes the DP size, as vLLM's serve does since vllm-project/vllm#32525.
    expect(o.apiServerCount).toBeNull();
    expect(parse('m -dp 2 --api-server-count 2').apiServerCount).toBe(2);
    expect(parse('m -asc 3').apiServerCount).toBe(3);
    expect(() => parse('m --api-server-count 0')).toThrow(/api-server-count/);
    const kv = parse(`m --kv-events-config {"enable_kv_cache_events":true,"publisher":"zmq","endpoint":"tcp://*:5557","topic":"kv@pod@m"}`);
    expect(kv.kvEvents).toMatchObject({ publisher: 'zmq', endpoint: 'tcp://*:5557', topic: 'kv@pod@m', replay_endpoint: null, buffer_steps: 10000 });
    expect(parse('m --kv-events-config {"enable_kv_cache_events":false}').kvEvents).toBeNull();
  });

  it('fails on a typo with a suggestion', () => {
    expect(() => parse('--max-num-seq 3')).toThrow(new UsageError("unknown option '--max-num-seq' (did you mean '--max-num-seqs'?)"));
    expect(() => parse('--tensor-paralel-size 2')).toThrow("did you mean '--tensor-parallel-size'?");
    expect(() => parse('--zzzzzz')).toThrow(new UsageError("unknown option '--zzzzzz'"));
    expect(() => parse('--dtype')).toThrow('argument missing');
  });

  it("runs the command line of vLLM's Kubernetes guide and llm-d's decode pods", () => {
    // docs.vllm.ai deployment/k8s: `vllm serve meta-llama/Llama-3.2-1B-Instruct --trust-remote-code --enable-chunked-prefill`
    expect(parse('meta-llama/Llama-3.2-1B-Instruct --trust-remote-code --enable-chunked-prefill').models).toEqual(['meta-llama/Llama-3.2-1B-Instruct']);
    // llm-d decode container args (a ModelService pod): port, prefix caching, KV events, block size, TP
    const o = parse(
      'Qwen/Qwen3-0.6B --port 8200 --enforce-eager --kv-transfer-config {"kv_connector":"NixlConnector","kv_role":"kv_both"} --block-size 64 ' +
        '--prefix-caching-hash-algo sha256_cbor --kv-events-config ' +
        '{"enable_kv_cache_events":true,"publisher":"zmq","endpoint":"tcp://gaie-epp:5557","topic":"kv@pod-a@Qwen/Qwen3-0.6B"} ' +
        '--tensor-parallel-size 1 --gpu-memory-utilization 0.85 --max-model-len 16384',
    );
    expect(o).toMatchObject({ port: 8200, maxModelLen: 16384, engine: { blockSize: 64, gpuMemoryUtilization: 0.85, tensorParallelSize: 1 } });
    expect(o.kvEvents?.endpoint).toBe('tcp://gaie-epp:5557');
  });

  it('keeps the llmsim flags', () => {
    const o = parse('--model a --model b --replicas 3 --speedup inf --profile instant --max-waiting 4 --enable-suffix --scenario s.yaml --trace t.jsonl');
    expect(o).toMatchObject({
      models: ['a', 'b'],
      replicas: 3,
      speedup: Infinity,
      profile: 'instant',
      enableSuffix: true,
      scenario: 's.yaml',
      trace: 't.jsonl',
      engine: { maxWaiting: 4 },
    });
    expect(parseServeArgs(['-h'], {})).toBe('help');
  });
});

describe('container and fleet flags', () => {
  it('binds the host the image sets, and takes a fleet replica from the pod ordinal', () => {
    expect(parse('m').host).toBe('127.0.0.1');
    expect(parse('m', { LLMSIM_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(parse('m', { LLMSIM_PORT: '9000' }).port).toBe(9000);
    expect(parse('m --port 7000', { LLMSIM_PORT: '9000' }).port).toBe(7000);
    expect(parse('m --host 10.0.0.1', { LLMSIM_HOST: '0.0.0.0' }).host).toBe('10.0.0.1');
    expect(parse('--replica-index 2').replicaIndex).toBe(2);
    expect(parse('--replica-index auto', { POD_NAME: 'llmsim-fleet-11' }).replicaIndex).toBe(11);
    expect(parse('--replica-index auto', { HOSTNAME: 'web-0' }).replicaIndex).toBe(0);
    expect(() => parse('--replica-index auto', { POD_NAME: 'llmsim' })).toThrow("no ordinal at the end of the pod name 'llmsim'");
    expect(parse('m', { POD_NAME: 'p-1', POD_NAMESPACE: 'ns' }).pod).toEqual({ name: 'p-1', namespace: 'ns' });
  });
});

describe("vLLM's tool-call flags", () => {
  it('are off by default and take vLLM spellings', () => {
    expect(parse('m')).toMatchObject({ enableAutoToolChoice: false, toolCallParser: null });
    expect(parse('m --enable-auto-tool-choice --tool-call-parser hermes')).toMatchObject({ enableAutoToolChoice: true, toolCallParser: 'hermes' });
    expect(parse('m --enable_auto_tool_choice --tool_call_parser=llama3_json --no-enable-auto-tool-choice').enableAutoToolChoice).toBe(false);
    // A parser alone is accepted (vLLM loads none without --enable-auto-tool-choice).
    expect(parse('m --tool-call-parser not-a-parser').toolCallParser).toBe('not-a-parser');
  });

  it("stop at start-up with vLLM's messages", () => {
    expect(() => parse('m --enable-auto-tool-choice')).toThrow(new UsageError('Error: --enable-auto-tool-choice requires --tool-call-parser'));
    expect(() => parse('m --enable-auto-tool-choice --tool-call-parser nope')).toThrow(
      "Error: --enable-auto-tool-choice requires tool_parser:'nope' which has not been registered",
    );
    // Names a plugin registers cannot be known here: any is taken.
    expect(parse('m --enable-auto-tool-choice --tool-call-parser mine --tool-parser-plugin p.py')).toMatchObject({
      toolCallParser: 'mine',
      toolParserPlugin: 'p.py',
    });
  });
});
