/**
 * @module Applies faults to generation requests: errors and timeouts answer here, before any route runs; mid-stream faults
 * decorate the request's stream writer (set on the request context, src/http/request-scope.ts). A fault can also be forced per request with `x-llmsim-fault`.
 */
import type { AppContext } from '../http/request-env.ts';
import type { Fault } from './schema.ts';
import { parseFaultHeader } from './schema.ts';
import type { FaultInjector } from './injector.ts';
import { ApiError, errorTypeFor } from '../protocol/errors.ts';
import { releaseHold } from '../http/json-body.ts';
import { readBodyText } from '../http/request-body.ts';
import { header } from '../http/headers.ts';
import { setStreamDecorator } from '../http/request-scope.ts';
import { withFault, type ActiveFault } from './stream-faults.ts';

export const FAULT_HEADER = 'x-llmsim-fault';

export interface FaultDeps {
  readonly injector: FaultInjector;
  readonly after: (seconds: number, fn: () => void) => () => void;
  /** Simulated seconds since start (for fault windows). */
  readonly elapsed: () => number;
  /**
   * The `x-llmsim-fault` header: honoured or ignored (`--disable-fault-header`), and the longest `timeout`/`stall` it
   * may ask for (`--max-fault-header-seconds`): any client can send it, so it must not hold a connection forever.
   */
  readonly header: { readonly enabled: boolean; readonly maxSeconds: number };
  /** Renders an injected error in the envelope of the request's dialect (given by the app, which knows the dialects). */
  readonly renderError: (c: AppContext, err: ApiError, headers: Record<string, string>) => Response;
}

/**
 * The fault decision for a generation request: a response that ends it here (an injected error, or a held timeout),
 * or null to go on (a mid-stream fault, if any, is left on the context for the stream writer).
 */
export type FaultGate = (c: AppContext) => Response | Promise<Response | null> | null;

export function createFaultGate(deps: FaultDeps): FaultGate {
  const decide = (c: AppContext, fault: Fault | null): Response | Promise<Response> | null => {
    if (!fault) return null;
    if (fault.kind === 'http_error') {
      deps.injector.count('http_error');
      return errorResponse(c, deps, fault.status ?? 500, fault.message, fault.retry_after);
    }
    if (fault.kind === 'timeout') {
      deps.injector.count('timeout');
      return hold(c, fault, deps);
    }
    const active: ActiveFault = { fault, injector: deps.injector, after: deps.after };
    setStreamDecorator(c, (inner, res, contentType, abort) => withFault(inner, res, active, contentType, abort));
    return null;
  };
  return (c) => {
    const forced = deps.header.enabled ? header(c, FAULT_HEADER) : undefined;
    if (forced !== undefined) {
      const parsed = parseFaultHeader(forced);
      if (typeof parsed === 'string') throw new ApiError(400, 'BadRequestError', `invalid ${FAULT_HEADER} header: ${parsed}`);
      return decide(c, boundHeaderFault(parsed, deps.header.maxSeconds));
    }
    // Only scenario faults that select by model need the body before the route reads it.
    if (deps.injector.needsModel()) return requestModel(c).then((model) => decide(c, deps.injector.pick({ path: c.req.path, model, elapsed: deps.elapsed() })));
    return decide(c, deps.injector.pick({ path: c.req.path, model: null, elapsed: deps.elapsed() }));
  };
}

/**
 * A header `timeout` without `duration` holds for the maximum (then 504) instead of until the client leaves; longer
 * `timeout`s and `stall`s are cut to it. Scenario faults are the operator's and stay unbounded.
 */
function boundHeaderFault(fault: Fault, maxSeconds: number): Fault {
  if (fault.kind === 'timeout') return { ...fault, duration: Math.min(fault.duration ?? maxSeconds, maxSeconds) };
  if (fault.kind === 'stall' && fault.duration !== undefined && fault.duration > maxSeconds) return { ...fault, duration: maxSeconds };
  return fault;
}

/** An injected error, in the route dialect's envelope (`deps.renderError`: src/app/error-envelope.ts). */
function errorResponse(c: AppContext, deps: FaultDeps, status: number, message: string | undefined, retryAfter: number | undefined): Response {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers['retry-after'] = String(Math.ceil(retryAfter));
  const text =
    message ??
    (status === 429
      ? 'Too many requests, please retry later.'
      : status === 503
        ? 'Service temporarily unavailable.'
        : status === 504
          ? 'Request timed out.'
          : 'Internal server error');
  return deps.renderError(c, new ApiError(status, errorTypeFor(status), text), headers);
}

/** A 504-like timeout: hold the request (until `duration`, then 504; or until the client gives up). */
function hold(c: AppContext, fault: Fault, deps: FaultDeps): Promise<Response> {
  // The wait is simulated time: the request must not hold the clock through it (virtual time would never get there).
  releaseHold(c);
  return new Promise((resolve) => {
    const outgoing = c.env?.outgoing;
    let cancel: (() => void) | null = null;
    const gone = (): void => {
      cancel?.();
      resolve(new Response(null, { status: 499 }));
    };
    outgoing?.once('close', gone);
    if (fault.duration !== undefined) {
      cancel = deps.after(fault.duration, () => {
        outgoing?.off('close', gone);
        resolve(errorResponse(c, deps, 504, fault.message, undefined));
      });
    }
  });
}

async function requestModel(c: AppContext): Promise<string | null> {
  try {
    const body = JSON.parse(await readBodyText(c)) as { model?: unknown };
    return typeof body.model === 'string' ? body.model : null;
  } catch {
    return null;
  }
}
