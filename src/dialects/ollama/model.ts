/** @module Ollama naming (`name:tag`, tag defaults to `latest`), its error envelope, and its timestamps. */
import type { ServerContext, ServedModel } from '../../serving/context.ts';
import { ApiError } from '../../protocol/errors.ts';

/** `Qwen/Qwen3-8B` answers to `Qwen/Qwen3-8B` and `Qwen/Qwen3-8B:latest`. */
export function resolveOllamaModel(ctx: ServerContext, name: string): ServedModel {
  const bare = name.endsWith(':latest') ? name.slice(0, -':latest'.length) : name;
  const hit = ctx.models.find((m) => m.aliases.includes(name) || m.aliases.includes(bare));
  if (!hit) throw new ApiError(404, 'NotFoundError', `model '${name}' not found`);
  return hit;
}

export function ollamaName(alias: string): string {
  return alias.includes(':') ? alias : `${alias}:latest`;
}

/** RFC 3339 with nanoseconds, from simulated seconds since the clock started and its Unix epoch. */
export function createdAt(ctx: ServerContext): string {
  const unix = ctx.unixSeconds();
  const frac = ctx.elapsed() % 1;
  return new Date(unix * 1000).toISOString().replace(/\.\d{3}Z$/, `.${Math.floor(frac * 1e9).toString().padStart(9, '0')}Z`);
}

export const ns = (seconds: number): number => Math.max(0, Math.round(seconds * 1e9));
