/**
 * @module `POST /admin/clock/hold` (llmsim only): a client driving virtual time freezes simulated time while it sends a
 * batch of requests (with `x-llmsim-arrival`), so none is stamped late because the clock ran between two of them. The
 * hold lasts while the response is open: one NDJSON line `{"held_at": t}` comes at once, and closing the connection
 * releases it (a client that dies cannot leave the clock frozen).
 */
import { Hono } from 'hono';
import { arrivalOf, keepHold } from '../../http/json-body.ts';
import { openStream } from '../../http/sse-writer.ts';
import { ApiError } from '../../protocol/errors.ts';
import type { AppEnv } from '../../http/request-env.ts';

export function clockHoldRoute(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/admin/clock/hold', (c) => {
    if (!keepHold(c)) throw new ApiError(400, 'BadRequestError', 'clock holds need the HTTP server (no connection to tie the hold to)');
    const { writer, response } = openStream(c, { contentType: 'application/x-ndjson', onDisconnect: () => {} });
    writer.write(`${JSON.stringify({ held_at: arrivalOf(c) })}\n`, true);
    return response;
  });
  return app;
}
