/**
 * @module OpenAI Responses `POST /v1/responses` request schema, as vLLM's `ResponsesRequest` (pydantic, lax numbers):
 * input items and tools are objects (a `null` item is a 400), sampling fields are numbers, flags are booleans.
 */
import { z } from 'zod';
import { opt, pDict, pList, pStr, pUnion } from './fields.ts';
import { lBool, lFloat, lInt, pLiteral, pModel } from './lax-fields.ts';

export const ResponsesInputItemSchema = pModel('ResponseInputItem', {
  type: opt(pStr()),
  role: opt(pStr()),
  content: opt(z.union([pStr(), pList(pDict())])),
  call_id: opt(pStr()),
  name: opt(pStr()),
  arguments: opt(pStr()),
});

/** The `type`s of OpenAI's Responses `Tool` union (openai-openapi.json); only function tools reach the model. */
const TOOL_TYPES = [
  'function',
  'file_search',
  'computer',
  'computer_use_preview',
  'web_search',
  'web_search_2025_08_26',
  'mcp',
  'code_interpreter',
  'programmatic_tool_calling',
  'image_generation',
  'local_shell',
  'shell',
  'custom',
  'namespace',
  'tool_search',
  'web_search_preview',
  'web_search_preview_2025_03_11',
  'apply_patch',
] as const;

/**
 * A tool, keyed by `type` (pydantic would list every member of openai's union; one literal error says the same), with
 * `FunctionTool`'s fields typed and its `name` required.
 */
export const ResponsesToolSchema = pModel('Tool', {
  type: pLiteral(TOOL_TYPES),
  name: opt(pStr()),
  description: opt(pStr()),
  parameters: opt(pDict()),
  strict: opt(lBool()),
}).superRefine((t, ctx) => {
  if (t.type === 'function' && typeof t.name !== 'string')
    ctx.addIssue({ code: 'invalid_type', expected: 'string', input: undefined, path: ['name'], message: 'missing::Field required' });
});

const HOSTED_TOOLS = [
  'file_search',
  'web_search_preview',
  'computer',
  'computer_use_preview',
  'computer_use',
  'web_search_preview_2025_03_11',
  'image_generation',
  'code_interpreter',
] as const;

/** openai's `ToolChoice` union, members labelled as pydantic labels them (`type` first, the order echoed back). */
export const ResponsesToolChoiceSchema = pUnion(
  [
    "literal['none','auto','required']",
    'ToolChoiceAllowed',
    'ToolChoiceTypes',
    'ToolChoiceFunction',
    'ToolChoiceMcp',
    'ToolChoiceCustom',
    'ToolChoiceApplyPatch',
    'ToolChoiceShell',
  ],
  [
    pLiteral(['none', 'auto', 'required']),
    pModel('ToolChoiceAllowed', { type: pLiteral(['allowed_tools']), mode: pLiteral(['auto', 'required']), tools: pList(pDict()) }),
    pModel('ToolChoiceTypes', { type: pLiteral(HOSTED_TOOLS) }),
    pModel('ToolChoiceFunction', { type: pLiteral(['function']), name: pStr() }),
    pModel('ToolChoiceMcp', { type: pLiteral(['mcp']), server_label: pStr(), name: opt(pStr()) }),
    pModel('ToolChoiceCustom', { type: pLiteral(['custom']), name: pStr() }),
    pModel('ToolChoiceApplyPatch', { type: pLiteral(['apply_patch']) }),
    pModel('ToolChoiceShell', { type: pLiteral(['shell']) }),
  ],
);

/** openai's `ResponseFormatTextConfig` union: text, a JSON schema (`name` and `schema` required) or a JSON object. */
export const ResponsesTextFormatSchema = pUnion(
  ['ResponseFormatText', 'ResponseFormatTextJSONSchemaConfig', 'ResponseFormatJSONObject'],
  [
    pModel('ResponseFormatText', { type: pLiteral(['text']) }),
    pModel('ResponseFormatTextJSONSchemaConfig', {
      type: pLiteral(['json_schema']),
      name: pStr(),
      schema: pDict(),
      description: opt(pStr()),
      strict: opt(lBool()),
    }),
    pModel('ResponseFormatJSONObject', { type: pLiteral(['json_object']) }),
  ],
);

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
  text: opt(pModel('ResponseTextConfig', { format: opt(ResponsesTextFormatSchema), verbosity: opt(pLiteral(['low', 'medium', 'high'])) })),
  tool_choice: opt(ResponsesToolChoiceSchema),
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
