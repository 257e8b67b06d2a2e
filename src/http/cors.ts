/**
 * @module CORS as vLLM configures Starlette's CORSMiddleware (default: any origin, method, header). Hand-rolled because
 * Hono's middleware rewrites `c.res` after the handler, which would break responses already streamed to the socket;
 * here streaming responses get the same headers through `corsHeadersOf(c)` in the SSE writer.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';

export interface CorsSettings {
  readonly origins: readonly string[];
  readonly methods: readonly string[];
  readonly headers: readonly string[];
  readonly credentials: boolean;
}

const KEY = 'llmsim.cors';
const ALL_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

export function corsMiddleware(settings: CorsSettings): MiddlewareHandler {
  const anyOrigin = settings.origins.includes('*');
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && (anyOrigin || settings.origins.includes(origin));
    if (!allowed) return next();
    const headers: Record<string, string> = { 'access-control-allow-origin': anyOrigin && !settings.credentials ? '*' : origin };
    if (settings.credentials) headers['access-control-allow-credentials'] = 'true';
    if (!anyOrigin || settings.credentials) headers['vary'] = 'Origin';
    const preflight = c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
    if (preflight) {
      const requested = c.req.header('access-control-request-headers');
      return new Response(null, {
        status: 200,
        headers: {
          ...headers,
          'access-control-allow-methods': settings.methods.includes('*') ? ALL_METHODS : settings.methods.join(', '),
          'access-control-allow-headers': settings.headers.includes('*') ? (requested ?? '') : settings.headers.join(', '),
          'access-control-max-age': '600',
        },
      });
    }
    c.set(KEY as never, headers as never);
    await next();
    if (c.res === RESPONSE_ALREADY_SENT) return;
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  };
}

/** Headers a streaming response must add itself (it bypasses Hono's response object). */
export function corsHeadersOf(c: Context): Record<string, string> {
  return (c.get(KEY as never) as Record<string, string> | undefined) ?? {};
}
