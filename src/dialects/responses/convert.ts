/** @module OpenAI Responses request → the chat shape the planner understands (instructions, input items, flat function tools, text.format). */
import { ApiError } from '../../protocol/errors.ts';
import { contentText } from '../../protocol/content-parts.ts';

type Body = Record<string, unknown>;

export interface ChatShape {
  readonly messages: Body[];
  readonly body: Body;
}

const invalid = (message: string, param: string | null = null): ApiError => new ApiError(400, 'invalid_request_error', message, param);

/** Builds chat messages and an OpenAI-chat-shaped body (tools, response_format, reasoning_effort) from a Responses request. */
export function toChat(r: Body): ChatShape {
  if (r['input'] === undefined || r['input'] === null) throw invalid("Missing required parameter: 'input'.", 'input');
  if (r['prompt'] !== undefined && r['prompt'] !== null) throw invalid('prompt template is not supported', 'prompt');
  const messages: Body[] = [];
  if (typeof r['instructions'] === 'string') messages.push({ role: 'system', content: r['instructions'] });
  const input = r['input'];
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) for (const item of input) messages.push(...itemMessages(item));
  else throw invalid("Invalid type for 'input': expected a string or an array of input items.", 'input');
  const tools = Array.isArray(r['tools'])
    ? (r['tools'] as Body[])
        .filter((t) => t['type'] === 'function')
        .map((t) => ({ type: 'function', function: { name: t['name'], description: t['description'], parameters: t['parameters'] } }))
    : [];
  const format = (r['text'] as Body | undefined)?.['format'] as Body | undefined;
  const body: Body = {
    messages,
    ...(tools.length > 0 ? { tools, tool_choice: toolChoice(r['tool_choice']) } : {}),
    ...(format?.['type'] === 'json_schema'
      ? { response_format: { type: 'json_schema', json_schema: { name: format['name'], schema: format['schema'] } } }
      : {}),
    ...(format?.['type'] === 'json_object' ? { response_format: { type: 'json_object' } } : {}),
    ...(typeof (r['reasoning'] as Body | undefined)?.['effort'] === 'string' ? { reasoning_effort: (r['reasoning'] as Body)['effort'] } : {}),
    ...(r['parallel_tool_calls'] === false ? { parallel_tool_calls: false } : {}),
  };
  return { messages, body };
}

function itemMessages(item: unknown): Body[] {
  if (!item || typeof item !== 'object') throw invalid('Invalid input item.', 'input');
  const it = item as Body;
  if (it['type'] === 'function_call')
    return [
      { role: 'assistant', content: '', tool_calls: [{ id: it['call_id'], type: 'function', function: { name: it['name'], arguments: it['arguments'] } }] },
    ];
  if (it['type'] === 'function_call_output')
    return [{ role: 'tool', tool_call_id: it['call_id'], content: typeof it['output'] === 'string' ? it['output'] : JSON.stringify(it['output']) }];
  if (it['type'] === 'reasoning') return [];
  const role = typeof it['role'] === 'string' ? it['role'] : 'user';
  const content = it['content'];
  const text = contentText(content);
  return [{ role: role === 'developer' ? 'system' : role, content: text }];
}

function toolChoice(choice: unknown): unknown {
  if (choice === undefined || choice === null) return 'auto';
  if (typeof choice === 'string') return choice;
  const c = choice as Body;
  return c['type'] === 'function' ? { type: 'function', function: { name: c['name'] } } : 'auto';
}
