/** @module `llmsim serve` flags for what clients may do: request chat templates, the fault header, the Responses store. */
import type { SafetyOverrides } from '../scenario/safety.ts';

export const SAFETY_OPTIONS = {
  'trust-request-chat-template': { type: 'boolean' },
  'max-template-steps': { type: 'string' },
  'max-template-output-chars': { type: 'string' },
  'disable-fault-header': { type: 'boolean' },
  'max-fault-header-seconds': { type: 'string' },
  'enable-responses-store': { type: 'boolean' },
  'responses-store-max-entries': { type: 'string' },
  'responses-store-max-bytes': { type: 'string' },
} as const;

type Values = { readonly [K in keyof typeof SAFETY_OPTIONS]?: (typeof SAFETY_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

/** The safety flags typed on the command line; `VLLM_ENABLE_RESPONSES_API_STORE=1` enables the store as in vLLM. */
export function safetyOverrides(
  v: Values,
  env: NodeJS.ProcessEnv,
  int: (flag: string, raw: string, min: number) => number,
  off: (flag: string) => boolean,
): SafetyOverrides {
  const envStore = /^(1|true)$/i.test(env['VLLM_ENABLE_RESPONSES_API_STORE'] ?? '');
  const num = (flag: keyof Values, min: number): number | undefined => {
    const raw = v[flag];
    return typeof raw === 'string' ? int(`--${flag}`, raw, min) : undefined;
  };
  const steps = num('max-template-steps', 1);
  const chars = num('max-template-output-chars', 1);
  const entries = num('responses-store-max-entries', 0);
  const bytes = num('responses-store-max-bytes', 0);
  const holdSeconds = num('max-fault-header-seconds', 0);
  return {
    ...(v['trust-request-chat-template'] && !off('trust-request-chat-template') ? { trustRequestChatTemplate: true } : {}),
    templateBudget: { ...(steps !== undefined ? { maxSteps: steps } : {}), ...(chars !== undefined ? { maxChars: chars } : {}) },
    ...(v['disable-fault-header'] ? { faultHeader: false } : {}),
    ...(holdSeconds !== undefined ? { maxFaultHeaderSeconds: holdSeconds } : {}),
    responsesStore: {
      ...(v['enable-responses-store'] || envStore ? { enabled: true } : {}),
      ...(entries !== undefined ? { maxEntries: entries } : {}),
      ...(bytes !== undefined ? { maxBytes: bytes } : {}),
    },
  };
}

export const SAFETY_HELP = `
Safety (defaults as vLLM: request templates refused, Responses store off):
  --trust-request-chat-template    accept a request \`chat_template\` (rendered under the budget below)
  --max-template-steps N           interpreter steps per request-template render (default 50000)
  --max-template-output-chars N    longest string a request template may build (default 4000000)
  --disable-fault-header           ignore \`x-llmsim-fault\` (and leave it out of CORS preflights)
  --max-fault-header-seconds S     longest header timeout/stall in simulated seconds (default 60)
  --enable-responses-store         keep Responses for GET/previous_response_id (env VLLM_ENABLE_RESPONSES_API_STORE=1)
  --responses-store-max-entries N  (default 1000)   --responses-store-max-bytes N (default 67108864)
`;
