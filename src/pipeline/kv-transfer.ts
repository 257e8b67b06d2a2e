/**
 * @module P/D disaggregation as vLLM's NIXL connector is driven by proxies (llm-d, xPyD): `kv_transfer_params` with
 * `do_remote_decode` makes this instance the prefill side (it answers with where the KV lives); with
 * `do_remote_prefill` it is the decode side (it skips the prompt's compute and pays the KV transfer instead).
 */
import type { ServerContext, ServedModel } from '../serving/context.ts';
import { ApiError } from '../protocol/errors.ts';
import { idsHash } from '../generate/rng.ts';

export interface KvTransfer {
  /** This request is the prefill half: answer with `kv_transfer_params` for the decode side. */
  readonly prefill: boolean;
  /** Decode half: seconds to pull the prompt's KV from the prefill instance. */
  readonly remotePrefillSeconds: number | undefined;
}

export const NO_TRANSFER: KvTransfer = { prefill: false, remotePrefillSeconds: undefined };

const REMOTE_FIELDS = ['remote_engine_id', 'remote_block_ids', 'remote_host', 'remote_port'] as const;

/** What the request asks of P/D, validated (pure: preparation reads it; the transfer time needs the live model). */
export interface KvTransferAsk {
  readonly prefill: boolean;
  /** Decode side: the prompt's KV comes from the prefill instance. */
  readonly remotePrefill: boolean;
}

export const NO_ASK: KvTransferAsk = { prefill: false, remotePrefill: false };

/** The transfer for `ask` on `model`: how long the decode side pulls `promptTokens` tokens of KV. */
export function kvTransferOf(model: ServedModel, ask: KvTransferAsk, promptTokens: number): KvTransfer {
  if (ask.remotePrefill) return { prefill: false, remotePrefillSeconds: model.kvTransferSeconds(promptTokens) };
  return ask.prefill ? { prefill: true, remotePrefillSeconds: undefined } : NO_TRANSFER;
}

/**
 * The validated `kv_transfer_params` (a dictionary by the request schema; its keys are the connector's, read loosely
 * as vLLM's NIXL connector reads them) → what is asked of P/D, with a 400 for an inconsistent set.
 */
export function readKvTransfer(params: Readonly<Record<string, unknown>> | null | undefined): KvTransferAsk {
  if (params === undefined || params === null) return NO_ASK;
  const remoteDecode = params['do_remote_decode'] === true;
  const remotePrefill = params['do_remote_prefill'] === true;
  if (remoteDecode && remotePrefill) throw invalid('kv_transfer_params cannot set both do_remote_decode and do_remote_prefill.');
  if (remotePrefill) {
    const missing = REMOTE_FIELDS.filter((f) => params[f] === undefined || params[f] === null);
    if (missing.length > 0) throw invalid(`kv_transfer_params with do_remote_prefill needs ${missing.join(', ')} (as returned by the prefill instance).`);
    if (!Array.isArray(params['remote_block_ids'])) throw invalid('kv_transfer_params.remote_block_ids must be a list of block ids.');
    return { prefill: false, remotePrefill: true };
  }
  return { prefill: remoteDecode, remotePrefill: false };
}

/** `kv_transfer_params` in a prefill instance's answer (vLLM's NIXL connector): where the decode side finds the KV blocks. */
export interface KvTransferParams {
  do_remote_prefill: true;
  do_remote_decode: false;
  remote_block_ids: number[];
  remote_engine_id: string;
  remote_host: string;
  remote_port: number;
  tp_size: number;
}

/** What the prefill side returns: where the decode side finds the prompt's KV blocks. */
export function kvTransferResponse(ctx: ServerContext, transfer: KvTransfer, promptIds: readonly number[], blockSize = 16): KvTransferParams | null {
  if (!transfer.prefill) return null;
  const seed = Number.parseInt(idsHash(promptIds).slice(0, 8), 16);
  const blocks = Math.ceil(promptIds.length / blockSize);
  return {
    do_remote_prefill: true,
    do_remote_decode: false,
    remote_block_ids: Array.from({ length: blocks }, (_, i) => (seed + i * 7919) % 1_000_000),
    remote_engine_id: `${ctx.deployment.replica}-engine-0`,
    remote_host: ctx.address.host,
    remote_port: ctx.address.port,
    tp_size: 1,
  };
}

function invalid(message: string): ApiError {
  return new ApiError(400, 'BadRequestError', message, 'kv_transfer_params');
}
