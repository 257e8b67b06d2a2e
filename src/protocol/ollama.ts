/** @module Ollama native API request schemas (`/api/generate`, `/api/chat`, `/api/embed`, `/api/embeddings`, `/api/show`). */
import { z } from 'zod';
import { opt, pBool, pInt, pList, pStr, pFloat } from './fields.ts';
import { OllamaToolsSchema } from './ollama-tools.ts';

export const OllamaOptionsSchema = z.looseObject({
  num_predict: opt(pInt()),
  temperature: opt(pFloat()),
  top_p: opt(pFloat()),
  top_k: opt(pInt()),
  min_p: opt(pFloat()),
  seed: opt(pInt()),
  stop: opt(pList(pStr())),
  num_ctx: opt(pInt()),
});

const common = {
  model: pStr(),
  // json.RawMessage: any JSON value decodes; protocol/ollama-tools.ts `ollamaFormat` reads it as Ollama does.
  format: z.unknown().optional(),
  options: opt(OllamaOptionsSchema),
  stream: opt(pBool()),
  keep_alive: opt(z.union([pStr(), z.number()])),
  think: opt(z.union([pBool(), pStr()])),
};

export const OllamaGenerateSchema = z.looseObject({
  ...common,
  prompt: opt(pStr()),
  suffix: opt(pStr()),
  system: opt(pStr()),
  template: opt(pStr()),
  raw: opt(pBool()),
});

export const OllamaChatSchema = z.looseObject({
  ...common,
  messages: opt(pList(z.looseObject({ role: pStr(), content: opt(pStr()) }))),
  tools: OllamaToolsSchema,
});

export const OllamaEmbedSchema = z.looseObject({
  model: pStr(),
  input: opt(z.union([pStr(), pList(pStr())])),
  prompt: opt(pStr()),
  dimensions: opt(pInt()),
  truncate: opt(pBool()),
});
export const OllamaShowSchema = z.looseObject({ model: opt(pStr()), name: opt(pStr()), verbose: opt(pBool()) });

export type OllamaGenerate = z.infer<typeof OllamaGenerateSchema>;
export type OllamaChat = z.infer<typeof OllamaChatSchema>;
