/**
 * @module Safety settings: what a client may make the server do (request chat templates, forced faults, stored
 * responses) and the bounds on it. Defaults are vLLM's (templates refused, store off); llmsim's own switch for its
 * `x-llmsim-fault` header is on by default (CI suites use it) and bounded.
 */
import { DEFAULT_TEMPLATE_BUDGET, type TemplateBudget } from '../tokenizer/request-template.ts';
import { errors } from '../protocol/errors.ts';

export interface ResponsesStoreSettings {
  /** vLLM's `VLLM_ENABLE_RESPONSES_API_STORE=1` (llmsim: also `--enable-responses-store`, scenario `safety.responses_store`). */
  readonly enabled: boolean;
  readonly maxEntries: number;
  /** Sum of the stored responses' JSON sizes. */
  readonly maxBytes: number;
}

export interface SafetySettings {
  /** vLLM `--trust-request-chat-template`: otherwise a request `chat_template` is a 400. */
  readonly trustRequestChatTemplate: boolean;
  readonly templateBudget: TemplateBudget;
  /** `x-llmsim-fault` honoured (and allowed in CORS preflights); `--disable-fault-header` turns it off. */
  readonly faultHeader: boolean;
  /** Longest hold (simulated seconds) a header `timeout` or `stall` may ask for; a header without `duration` gets it. */
  readonly maxFaultHeaderSeconds: number;
  readonly responsesStore: ResponsesStoreSettings;
}

export const DEFAULT_SAFETY: SafetySettings = {
  trustRequestChatTemplate: false,
  templateBudget: DEFAULT_TEMPLATE_BUDGET,
  faultHeader: true,
  maxFaultHeaderSeconds: 60,
  responsesStore: { enabled: false, maxEntries: 1000, maxBytes: 64 * 1024 * 1024 },
};

/** A trusted request template and the budget it renders under. */
export interface RequestTemplate {
  readonly chatTemplate: string | null;
  readonly requestTemplateBudget?: TemplateBudget;
}

/**
 * vLLM's check (`_validate_chat_template`): a request template, given as `chat_template` or as
 * `chat_template_kwargs.chat_template` (transformers takes it from there too), needs --trust-request-chat-template.
 */
export function requestTemplate(safety: SafetySettings, chatTemplate: unknown, kwargs: unknown): RequestTemplate {
  const fromKwargs = kwargs !== null && typeof kwargs === 'object' ? (kwargs as Record<string, unknown>)['chat_template'] : undefined;
  const source = chatTemplate ?? fromKwargs;
  if (source === undefined || source === null) return { chatTemplate: null };
  if (!safety.trustRequestChatTemplate) throw errors.untrustedChatTemplate();
  if (typeof source !== 'string') throw errors.chatTemplate('chat_template must be a string');
  return { chatTemplate: source, requestTemplateBudget: safety.templateBudget };
}

/** Safety settings given explicitly (command line or scenario): only what was typed. */
export interface SafetyOverrides {
  readonly trustRequestChatTemplate?: boolean;
  readonly templateBudget?: Partial<TemplateBudget>;
  readonly faultHeader?: boolean;
  readonly maxFaultHeaderSeconds?: number;
  readonly responsesStore?: Partial<ResponsesStoreSettings>;
}

/** Defaults, then each layer of overrides in order (the scenario's, then the command line's). */
export function mergeSafety(...layers: readonly (SafetyOverrides | undefined)[]): SafetySettings {
  let s = DEFAULT_SAFETY;
  for (const o of layers) {
    if (!o) continue;
    s = {
      trustRequestChatTemplate: o.trustRequestChatTemplate ?? s.trustRequestChatTemplate,
      templateBudget: { ...s.templateBudget, ...o.templateBudget },
      faultHeader: o.faultHeader ?? s.faultHeader,
      maxFaultHeaderSeconds: o.maxFaultHeaderSeconds ?? s.maxFaultHeaderSeconds,
      responsesStore: { ...s.responsesStore, ...o.responsesStore },
    };
  }
  return s;
}
