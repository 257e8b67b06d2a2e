/**
 * @module The route table: every method and path the server answers, its dialect (which error envelope it speaks) and
 * its access class. app.ts checks at start-up that the route modules registered exactly these routes, so a route
 * cannot be added without deciding whether it needs the API key; access control, the 405 answers, generation
 * bookkeeping and the key test (tests/hardening/access.test.ts) all read this one list.
 */

export type Dialect = 'openai' | 'vllm' | 'ollama' | 'responses' | 'anthropic' | 'llmsim';

/**
 * `open`: answered without the key (vLLM's probes and metrics). `key`: needs `--api-key` when one is set. vLLM itself
 * guards only paths under `/v1`; llmsim guards every route but the probes (safe by default; docs/errors.md).
 */
export type Access = 'open' | 'key';

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'HEAD';
  /** Hono path; `:name` is one segment, `:name{.+}` the rest of the path. */
  readonly path: string;
  readonly dialect: Dialect;
  readonly access: Access;
  /** Generates or embeds: goes through the planning turn, the front door (sleep, DP rank) and fault injection. */
  readonly generation?: true;
  /** Only registered with `--enable-sleep-mode`. */
  readonly sleepMode?: true;
}

const r = (method: RouteSpec['method'], path: string, dialect: Dialect, access: Access, extra: Partial<RouteSpec> = {}): RouteSpec => ({
  method,
  path,
  dialect,
  access,
  ...extra,
});
const GEN = { generation: true } as const;

export const ROUTE_TABLE: readonly RouteSpec[] = [
  // OpenAI-compatible (vLLM's /v1).
  r('POST', '/v1/chat/completions', 'openai', 'key', GEN),
  r('POST', '/v1/completions', 'openai', 'key', GEN),
  r('POST', '/v1/embeddings', 'openai', 'key', GEN),
  r('GET', '/v1/models', 'openai', 'key'),
  r('GET', '/v1/models/:id{.+}', 'openai', 'key'),
  r('POST', '/v1/responses', 'responses', 'key', GEN),
  r('GET', '/v1/responses/:id', 'responses', 'key'),
  r('POST', '/v1/messages', 'anthropic', 'key', GEN),
  r('POST', '/v1/messages/count_tokens', 'anthropic', 'key'),
  r('POST', '/v1/load_lora_adapter', 'vllm', 'key'),
  r('POST', '/v1/unload_lora_adapter', 'vllm', 'key'),
  // vLLM's own routes.
  r('POST', '/tokenize', 'vllm', 'key'),
  r('POST', '/detokenize', 'vllm', 'key'),
  r('GET', '/health', 'vllm', 'open'),
  r('GET', '/ping', 'vllm', 'open'),
  r('POST', '/ping', 'vllm', 'open'),
  r('GET', '/version', 'vllm', 'open'),
  r('GET', '/load', 'vllm', 'open'),
  r('GET', '/metrics', 'vllm', 'open'),
  r('GET', '/metrics/', 'vllm', 'open'),
  r('POST', '/sleep', 'vllm', 'key', { sleepMode: true }),
  r('POST', '/wake_up', 'vllm', 'key', { sleepMode: true }),
  r('GET', '/is_sleeping', 'vllm', 'key', { sleepMode: true }),
  // llmsim's control routes.
  r('GET', '/admin/config', 'llmsim', 'key'),
  r('POST', '/admin/reload', 'llmsim', 'key'),
  r('POST', '/admin/clock/hold', 'llmsim', 'key'),
  // Ollama. `GET /` is Ollama's liveness probe ("Ollama is running"), open like /health.
  r('GET', '/', 'ollama', 'open'),
  r('HEAD', '/', 'ollama', 'open'),
  r('POST', '/api/generate', 'ollama', 'key', GEN),
  r('POST', '/api/chat', 'ollama', 'key', GEN),
  r('POST', '/api/embed', 'ollama', 'key', GEN),
  r('POST', '/api/embeddings', 'ollama', 'key', GEN),
  r('POST', '/api/show', 'ollama', 'key'),
  r('GET', '/api/tags', 'ollama', 'key'),
  r('GET', '/api/ps', 'ollama', 'key'),
  r('GET', '/api/version', 'ollama', 'key'),
];

export interface RouteIndex {
  /** The route serving `method path`, if any (HEAD falls back to GET as in Hono). */
  find(method: string, path: string): RouteSpec | undefined;
  /** The methods served at `path` (empty: unknown path). */
  methodsAt(path: string): readonly string[];
  /** Some route at `path` is open. */
  openAt(path: string): boolean;
}

/** Exact paths in a map (the per-request lookup is one `get`); the few parameterised ones as regexes. */
export function indexRoutes(routes: readonly RouteSpec[]): RouteIndex {
  const exact = new Map<string, RouteSpec>();
  const patterns: { re: RegExp; spec: RouteSpec }[] = [];
  for (const spec of routes) {
    if (spec.path.includes(':')) patterns.push({ re: patternOf(spec.path), spec });
    else exact.set(`${spec.method} ${spec.path}`, spec);
  }
  const lookup = (method: string, path: string): RouteSpec | undefined => {
    const hit = exact.get(`${method} ${path}`);
    if (hit) return hit;
    for (const p of patterns) if (p.spec.method === method && p.re.test(path)) return p.spec;
    return undefined;
  };
  const res = new Map(patterns.map((p) => [p.spec, p.re]));
  const at = (path: string): RouteSpec[] => routes.filter((s) => res.get(s)?.test(path) ?? s.path === path);
  return {
    find: (method, path) => lookup(method, path) ?? (method === 'HEAD' ? lookup('GET', path) : undefined),
    methodsAt: (path) => at(path).map((s) => s.method),
    openAt: (path) => at(path).some((s) => s.access === 'open'),
  };
}

function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((seg) => (seg.startsWith(':') ? (seg.endsWith('{.+}') ? '.+' : '[^/]+') : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}
