/**
 * @module Every dialect's preparation by job kind: what a preparation worker can run (prepare-worker.ts). A route
 * names its kind when it calls `prepare()`, so the worker runs the very function the route would run inline.
 */
import type { PrepareTable } from '../pipeline/prepare.ts';
import { CHAT_JOB, planChat } from './openai/chat-prepare.ts';
import { COMPLETION_JOB, planCompletion } from './openai/completion-prepare.ts';

export const PREPARE_TABLE: PrepareTable = {
  [CHAT_JOB]: planChat,
  [COMPLETION_JOB]: planCompletion,
};
