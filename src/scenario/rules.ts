/** @module Scenario response rules: the first rule whose conditions all hold decides the answer (fixed text, tool calls, JSON, or an error). */
import type { Rule } from './schema.ts';

export interface RuleInput {
  readonly model: string;
  /** Last user message text (chat) or the prompt (completions). */
  readonly lastUserText: string;
  readonly body: Record<string, unknown>;
}

const regexCache = new Map<string, RegExp>();

export function matchRule(rules: readonly Rule[], input: RuleInput): Rule | null {
  for (const rule of rules) if (matches(rule, input)) return rule;
  return null;
}

function matches(rule: Rule, input: RuleInput): boolean {
  const m = rule.match;
  if (m.model !== undefined && m.model !== input.model) return false;
  if (m.last_user_message !== undefined && !regex(m.last_user_message).test(input.lastUserText)) return false;
  if (m.json_path) {
    const value = m.json_path.path
      .split('.')
      .reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), input.body);
    if ('equals' in m.json_path && JSON.stringify(value) !== JSON.stringify(m.json_path.equals)) return false;
    if (m.json_path.matches !== undefined && !(typeof value === 'string' && regex(m.json_path.matches).test(value))) return false;
    if (!('equals' in m.json_path) && m.json_path.matches === undefined && value === undefined) return false;
  }
  return true;
}

function regex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(source, 'u');
    regexCache.set(source, re);
  }
  return re;
}
