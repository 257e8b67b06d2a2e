/**
 * @module OpenAI Responses `POST /v1/responses` request schema, as vLLM's `ResponsesRequest` (pydantic, lax numbers):
 * input items and tools are objects (a `null` item is a 400), sampling fields are numbers, flags are booleans.
 */
import { z } from 'zod';
import { opt, pDict, pList, pStr } from './fields.ts';
import { lBool, lFloat, lInt, pModel } from './lax-fields.ts';

export const ResponsesInputItemSchema = pModel('ResponseInputItem', {
  type: opt(pStr()),
  role: opt(pStr()),
  content: opt(z.union([pStr(), pList(pDict())])),
  call_id: opt(pStr()),
  name: opt(pStr()),
  arguments: opt(pStr()),
});

export const ResponsesToolSchema = pModel('Tool', {
  type: pStr(),
  name: opt(pStr()),
  description: opt(pStr()),
  parameters: opt(pDict()),
  strict: opt(lBool()),
}).superRefine((t, ctx) => {
  if (t.type === 'function' && typeof t.name !== 'string')
    ctx.addIssue({ code: 'invalid_type', expected: 'string', input: undefined, path: ['name'], message: 'missing::Field required' });
});

export const ResponsesRequestSchema = z.looseObject({
  model: opt(pStr()),
  // Required by vLLM; absent is answered by the route with OpenAI's "Missing required parameter" message.
  input: opt(z.union([pStr(), pList(ResponsesInputItemSchema)])),
  instructions: opt(pStr()),
  background: opt(lBool()),
  include: opt(pList(pStr())),
  max_output_tokens: opt(lInt()),
  max_tool_calls: opt(lInt()),
  metadata: opt(pDict()),
  parallel_tool_calls: opt(lBool()),
  previous_response_id: opt(pStr()),
  reasoning: opt(pModel('Reasoning', { effort: opt(pStr()), summary: opt(pStr()) })),
  service_tier: opt(pStr()),
  store: opt(lBool()),
  stream: opt(lBool()),
  temperature: opt(lFloat()),
  text: opt(pModel('ResponseTextConfig', { format: opt(pModel('ResponseFormatTextConfig', { type: pStr(), name: opt(pStr()), schema: opt(pDict()) })) })),
  tool_choice: opt(z.union([pStr(), pDict()])),
  tools: opt(pList(ResponsesToolSchema)),
  top_logprobs: opt(lInt()),
  top_p: opt(lFloat()),
  top_k: opt(lInt()),
  truncation: opt(pStr()),
  user: opt(pStr()),
  request_id: opt(pStr()),
  priority: opt(lInt()),
  cache_salt: opt(pStr()),
});
export type ResponsesRequest = z.infer<typeof ResponsesRequestSchema>;
