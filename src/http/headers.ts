/** @module Request headers read straight from the Node request: Hono's `c.req.header()` builds a Headers view first, a visible cost on the hot path. */
import type { AppContext } from './request-env.ts';

/** A request header by lower-case name (repeated headers joined with ", " as Node and fetch do). */
export function header(c: AppContext, name: string): string | undefined {
  const incoming = c.env?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
