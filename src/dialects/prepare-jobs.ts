/**
 * @module Every dialect's preparation by job kind: what a preparation worker can run (prepare-worker.ts). A route
 * names its kind when it calls `prepare()`, so the worker runs the very function the route would run inline.
 */
import type { PrepareTable } from '../pipeline/prepare.ts';
import { CHAT_JOB, planChat } from './openai/chat-prepare.ts';
import { COMPLETION_JOB, planCompletion } from './openai/completion-prepare.ts';
import { EMBEDDINGS_JOB, embed } from './openai/embeddings-prepare.ts';
import { DETOKENIZE_JOB, detokenize, TOKENIZE_JOB, tokenize } from './vllm/tokenize-prepare.ts';
import { OLLAMA_CHAT_JOB, OLLAMA_GENERATE_JOB, planOllamaChat, planOllamaGenerate } from './ollama/prepare.ts';
import { embedInputs, embedPrompt, OLLAMA_EMBED_JOB, OLLAMA_EMBEDDINGS_JOB } from './ollama/embed-prepare.ts';
import { ANTHROPIC_COUNT_JOB, ANTHROPIC_MESSAGES_JOB, countTokens, planMessages } from './anthropic/prepare.ts';
import { planResponse, RESPONSES_JOB } from './responses/prepare.ts';

export const PREPARE_TABLE: PrepareTable = {
  [CHAT_JOB]: planChat,
  [COMPLETION_JOB]: planCompletion,
  [EMBEDDINGS_JOB]: embed,
  [TOKENIZE_JOB]: tokenize,
  [DETOKENIZE_JOB]: detokenize,
  [OLLAMA_GENERATE_JOB]: planOllamaGenerate,
  [OLLAMA_CHAT_JOB]: planOllamaChat,
  [OLLAMA_EMBED_JOB]: embedInputs,
  [OLLAMA_EMBEDDINGS_JOB]: embedPrompt,
  [ANTHROPIC_MESSAGES_JOB]: planMessages,
  [ANTHROPIC_COUNT_JOB]: countTokens,
  [RESPONSES_JOB]: planResponse,
};
