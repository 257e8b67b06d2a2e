/**
 * @module The app's one Hono `Env`: what a request carries besides its request line, declared once so the compiler
 * checks every `c.get`/`c.set` and every read of the Node request and response (Hono's `Variables` and `Bindings`).
 * The front door sets the variables (src/app/app.ts), the transport helpers here read them; route sub-apps are
 * `new Hono<AppEnv>()` and helpers take `AppContext`.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { StreamDecorator } from './stream-writer.ts';
import type { HoldRelease } from '../clock/holds.ts';

/** A request's arrival on the engine's clock, and the clock hold it keeps until it is handed to the engine. */
export interface Arrival {
  readonly time: number;
  readonly release: HoldRelease;
  /** `POST /admin/clock/hold`: the hold outlives the handler and ends when the client closes the connection. */
  kept?: boolean;
  /** Why the `x-llmsim-arrival` header was refused (the request is answered 400). */
  readonly invalid?: string;
}

/**
 * Per-request values: set once by the front door or the first reader, read by later code. Optional: `c.get` answers
 * undefined for a value not set (no CORS origin, no data parallelism, an app driven without the front door).
 */
export interface RequestVariables {
  /** When the request arrived (json-body.ts `setArrival`). */
  arrival?: Arrival;
  /** The body size limit (413 past it; request-body.ts). */
  bodyLimit?: number;
  /** The body's bytes, once read (request-body.ts). */
  bodyBytes?: Buffer;
  /** The body's text, once decoded (request-body.ts). */
  bodyText?: string;
  /** CORS headers for this request's origin, for streams that bypass Hono's response (cors.ts). */
  cors?: Record<string, string>;
  /** The data-parallel rank the front door chose (request-scope.ts). */
  dpRank?: number;
  /** Headers every answer to this request carries, streamed or not (identity headers; request-scope.ts). */
  extraHeaders?: Record<string, string>;
  /** A mid-stream fault's decoration of the stream writer (faults/middleware.ts via request-scope.ts). */
  streamDecorator?: StreamDecorator;
}

/**
 * The Node request and response @hono/node-server passes as `c.env`. Partial: an app driven through `app.request()`
 * (no Node server) has neither, and readers fall back to Hono's own request (`c.env?.incoming`: `c.env` itself is
 * undefined then, which Hono's `Env` cannot say, its `Bindings` being an object type).
 */
export type RequestBindings = Partial<HttpBindings>;

export type AppEnv = { Bindings: RequestBindings; Variables: RequestVariables };

/** The context every route and transport helper works with. */
export type AppContext = Context<AppEnv>;
