/** @module What the preparation pool answers when a job breaks a budget or its workers cannot start (docs/errors.md). */
import { ApiError } from '../protocol/errors.ts';

/** Budget errors, in the dialect's envelope. */
export const budgetErrors = {
  deadline: (ms: number) =>
    new ApiError(
      400,
      'BadRequestError',
      `Preparing this request (template, tokenization, planning) took longer than the llmsim limit of ${ms} ms (--max-prepare-ms). Send a smaller prompt, schema or template.`,
      null,
    ),
  memory: (mb: number) =>
    new ApiError(
      400,
      'BadRequestError',
      `Preparing this request needed more memory than the llmsim limit of ${mb} MB (--max-prepare-memory-mb). Send a smaller prompt, schema or template.`,
      null,
    ),
} as const;

/** A pool whose workers die before they start a job: a server configuration problem, not the client's (500). */
export function workersCannotStart(mb: number, err: unknown): ApiError {
  const message = outOfMemory(err)
    ? `The llmsim preparation workers cannot load the served models within the limit of ${mb} MB (--max-prepare-memory-mb). Restart llmsim with a larger limit (the default is 512).`
    : `The llmsim preparation workers could not start: ${err instanceof Error ? err.message : String(err)}`;
  return new ApiError(500, 'InternalServerError', message, null);
}

export function outOfMemory(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}
