/** @module Starts the Node HTTP server for an app; listen errors (busy port) come back as one-line messages, not stack traces. */
import { createAdaptorServer } from '@hono/node-server';
import type { Server, IncomingMessage, ServerResponse } from 'node:http';
import { stampArrival, type ArrivalClock } from './json-body.ts';
import type { Hono } from 'hono';
import type { AppEnv } from './request-env.ts';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * `clock` stamps each request's arrival (simulated seconds) as soon as its headers are parsed, before any routing, and
 * holds simulated time until the request is prepared (json-body.ts `stampArrival`).
 */
export function listen(app: Hono<AppEnv>, host: string, port: number, clock?: ArrivalClock): Promise<RunningServer> {
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  if (clock) server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => stampArrival(req, res, clock));
  // Slowloris: a client must finish sending headers in 30 s and its whole request in 120 s. Responses (long
  // streams) have no time limit; idle keep-alive sockets close after 5 s.
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : `cannot listen on ${host}:${port}: ${err.message}`));
    });
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${actual}`,
        port: actual,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
