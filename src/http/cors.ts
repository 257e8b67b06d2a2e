/**
 * @module CORS as vLLM configures Starlette's CORSMiddleware (default: any origin, method, header). Hand-rolled because
 * Hono's middleware rewrites `c.res` after the handler, which would break responses already streamed to the socket;
 * here streaming responses get the same headers through `corsHeadersOf(c)` in the SSE writer.
 */
import type { AppContext } from './request-env.ts';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { header } from './headers.ts';

export interface CorsSettings {
  readonly origins: readonly string[];
  readonly methods: readonly string[];
  readonly headers: readonly string[];
  readonly credentials: boolean;
}

const ALL_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

export interface Cors {
  /** The CORS headers for this request's `Origin` (remembered for streaming responses), or null when not allowed. */
  headersFor(c: AppContext): Record<string, string> | null;
  /** The answer to a preflight request, or null when `c` is not one. */
  preflight(c: AppContext, headers: Record<string, string>): Response | null;
}

/**
 * Plain functions, not a middleware: the app's one front-door middleware calls them (each middleware level costs).
 * `hidden` headers are never listed in `access-control-allow-headers`, even when any header is allowed (the fault
 * header when it is switched off).
 */
export function createCors(settings: CorsSettings, hidden: readonly string[] = []): Cors {
  const anyOrigin = settings.origins.includes('*');
  const hiddenSet = new Set(hidden.map((h) => h.toLowerCase()));
  const visible = (list: readonly string[]): string =>
    list
      .map((h) => h.trim())
      .filter((h) => h !== '' && !hiddenSet.has(h.toLowerCase()))
      .join(', ');
  return {
    headersFor(c) {
      const origin = header(c, 'origin');
      const allowed = origin !== undefined && (anyOrigin || settings.origins.includes(origin));
      if (!allowed) return null;
      const headers: Record<string, string> = { 'access-control-allow-origin': anyOrigin && !settings.credentials ? '*' : origin };
      if (settings.credentials) headers['access-control-allow-credentials'] = 'true';
      if (!anyOrigin || settings.credentials) headers['vary'] = 'Origin';
      c.set('cors', headers);
      return headers;
    },
    preflight(c, headers) {
      if (c.req.method !== 'OPTIONS' || c.req.header('access-control-request-method') === undefined) return null;
      const requested = c.req.header('access-control-request-headers');
      const echoed = requested === undefined ? '' : hiddenSet.size === 0 ? requested : visible(requested.split(','));
      return new Response(null, {
        status: 200,
        headers: {
          ...headers,
          'access-control-allow-methods': settings.methods.includes('*') ? ALL_METHODS : settings.methods.join(', '),
          'access-control-allow-headers': settings.headers.includes('*') ? echoed : visible(settings.headers),
          'access-control-max-age': '600',
        },
      });
    },
  };
}

/** Adds the CORS headers to a finished (non-streamed) response. */
export function applyCors(c: AppContext, headers: Record<string, string>): void {
  if (c.res === RESPONSE_ALREADY_SENT) return;
  for (const k in headers) c.res.headers.set(k, headers[k] as string);
}

/** Headers a streaming response must add itself (it bypasses Hono's response object). */
export function corsHeadersOf(c: AppContext): Record<string, string> {
  return c.get('cors') ?? {};
}
