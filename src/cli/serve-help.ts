/** @module The text of `llmsim serve --help`: the flags that act, then vLLM's flags accepted without effect. */
import { inertFlagsHelp } from './vllm-flags.ts';
import { DEFAULT_MODEL } from '../scenario/options.ts';
import { SAFETY_HELP } from './safety-flags.ts';

export const SERVE_HELP = `Usage: llmsim serve [MODEL] [options]

Serves a simulated vLLM engine with the OpenAI-compatible API.

Options:
  --host HOST                      bind address (default 127.0.0.1)
  --port PORT                      port (default 8000 or LLMSIM_PORT; 0 picks a free one)
  --model NAME                     model id, reported as \`root\` (default ${DEFAULT_MODEL}); repeat to serve several
  --served-model-name NAME...      names the (first) model answers to (first one is echoed and labels metrics)
  --seed N                         global seed for all generated content (default 0)
  --max-model-len N                context window in tokens (default from the model)
  --tokenizer DIR                  local Hugging Face tokenizer directory (tokenizer.json, tokenizer_config.json)
  --api-key KEY...                 require \`Authorization: Bearer KEY\` on every route but /health, /ping, /version, /load, /metrics (env VLLM_API_KEY)
  --scenario FILE                  scenario file (YAML or JSON)
  --max-logprobs N                 cap on logprobs / top_logprobs (default 20)
  --enable-prompt-tokens-details   report usage.prompt_tokens_details.cached_tokens
  --scheduling-policy fcfs|priority
  --reasoning-parser qwen3|deepseek_r1
                                   emit thinking text as \`reasoning\` before the answer
  --enable-auto-tool-choice        with --tool-call-parser: chat requests may ask for tool calls (vLLM's default is
                                   off: any tool_choice but "none", also \`tools\` alone, gets 400; see docs/errors.md)
  --tool-call-parser NAME          a parser name vLLM registers (hermes, llama3_json, mistral, qwen3_xml, ...); llmsim
                                   writes every call alike
  --tool-parser-plugin FILE        accepted (no Python is loaded): any --tool-call-parser name is then taken
  --enable-suffix                  accept \`suffix\` on /v1/completions (builds the FIM prompt)
  --prepare-workers N              worker threads that template, tokenize and plan requests (default: cores - 1,
                                   at least 1; 0 = on the engine's thread)
  --max-prepare-ms MS              a request's preparation may run this long on a worker, else 400 (default 2000)
  --max-prepare-memory-mb MB       heap cap of each preparation worker, else 400 (default 512)

Engine and timing:
  --profile NAME|FILE              latency profile (scenarios/profiles/*.yaml; \`instant\` = zero time)
  --max-num-seqs N                 running-batch cap (default from the GPU, as vLLM)
  --max-num-batched-tokens N       per-step token budget (default from the GPU, as vLLM)
  --block-size N                   KV cache block size (16)
  --num-gpu-blocks-override N      KV cache size in blocks
  --gpu-memory-utilization F       fraction of GPU memory for weights + KV cache (0.9)
  --no-enable-prefix-caching       disable prefix caching
  --max-waiting N                  bound the waiting queue; beyond it requests get 429
  --speedup X|inf                  simulated time runs X times faster than wall time (inf: virtual time)
  --trace FILE                     write one JSON line per finished request (simulated timeline)
  --trace-tokens                   with --trace: every token's time too (ITL percentiles rebuild exactly)

LoRA:
  --lora-modules NAME=PATH...      serve LoRA adapters on the (first) model (listed in /v1/models with \`parent\`)
  --max-loras N                    distinct adapters per running batch

Fleets:
  --replicas N                     N independent replicas on consecutive ports (own engines, metrics, faults)

Parallelism and KV events (vLLM's flags):
  -tp, --tensor-parallel-size N    GPUs per engine: overrides the profile's tensor_parallel (step time, KV cache size)
  -dp, --data-parallel-size N      N engines per model behind this port (vLLM's DP front end: least-loaded rank, or
                                   the rank asked for in the X-data-parallel-rank header); metrics label engine="i"
  -asc, --api-server-count K       API-server loops in front of the ranks (default: the DP size, as vLLM since
                                   #32525; 1 = one shared front-end queue); a request takes the loop free first
  --kv-events-config JSON          publish KV-cache events as vLLM does: {"enable_kv_cache_events": true,
                                   "publisher": "zmq", "endpoint": "tcp://*:5557", "replay_endpoint": ..., "topic": ...}

Logging and lifecycle:
  --disable-log-stats              no periodic stats line (every VLLM_LOG_STATS_INTERVAL s, default 10; none in
                                   virtual time)
  --enable-log-requests            a line per request received and finished, and per injected fault
  --enable-sleep-mode              POST /sleep, POST /wake_up, GET /is_sleeping (generation refused while asleep)
  --model-load-seconds S           simulated model load: /health is 503 and generation refused for S seconds
  --identity-headers               responses carry x-llmsim-replica, x-llmsim-dp-rank, x-llmsim-pod(-namespace)
                                   (pod from POD_NAME / POD_NAMESPACE, as the Kubernetes downward API sets them)
  --replica-index N|auto           run only replica N of the scenario's fleet (auto: the ordinal ending POD_NAME, as
                                   StatefulSet pods are named), on --port
  --config FILE                    YAML mapping of flag names to values (vLLM's --config); command-line flags win

HTTP:
  --allowed-origins JSON           CORS origins (default ["*"]); also --allowed-methods, --allowed-headers
  --allow-credentials              CORS credentials
  -h, --help                       show this help
${SAFETY_HELP}
vLLM spellings: --flag_name and --flag-name, --flag=value, --no-flag for vLLM's boolean options, nargs lists
(--api-key a b), short aliases (-tp, -pp, -dp, -q, -O3).

Accepted without effect (vLLM flags with nothing to simulate; listed at start-up when given):
${inertFlagsHelp()}
`;
