/** @module Ollama naming (`name:tag`, tag defaults to `latest`), its error envelope, and its timestamps. */
import type { PrepModel, ServerContext } from '../../serving/context.ts';
import { ApiError } from '../../protocol/errors.ts';

/** `Qwen/Qwen3-8B` answers to `Qwen/Qwen3-8B` and `Qwen/Qwen3-8B:latest`. */
export function resolveOllamaModel<M extends PrepModel>(ctx: { readonly models: readonly M[] }, name: string): M {
  const bare = name.endsWith(':latest') ? name.slice(0, -':latest'.length) : name;
  const hit = ctx.models.find((m) => m.aliases.includes(name) || m.aliases.includes(bare));
  if (!hit) throw new ApiError(404, 'NotFoundError', `model '${name}' not found`);
  return hit;
}

export function ollamaName(alias: string): string {
  return alias.includes(':') ? alias : `${alias}:latest`;
}

/**
 * RFC 3339 with nanoseconds. Whole seconds and the fraction come from one reading of one clock: taking the fraction
 * from simulated time and the seconds from the wall made `created_at` run backwards after each second boundary.
 */
export function createdAt(ctx: ServerContext): string {
  const t = ctx.unixTime();
  const whole = Math.floor(t);
  const nanos = Math.min(999_999_999, Math.floor((t - whole) * 1e9));
  return new Date(whole * 1000).toISOString().replace(/\.\d{3}Z$/, `.${nanos.toString().padStart(9, '0')}Z`);
}

export const ns = (seconds: number): number => Math.max(0, Math.round(seconds * 1e9));

/** How Ollama routes read their body: JSON whatever the Content-Type (Ollama never checks it). */
export const OLLAMA_BODY = { anyMediaType: true } as const;
