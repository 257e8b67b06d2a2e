/**
 * @module What `llmsim scenario check` validated, in one line per section: every model with what is set for it
 * (profile, engine settings, reasoning parser, LoRA adapters), rules, faults by kind, replicas and safety. A file
 * with 8 faults and 4 replicas must not read `ok (1 model, 0 rules)`.
 */
import type { Scenario } from './schema.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Counts of each distinct value, in first-seen order: `http_error ×3, stall`. */
function tally(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => (n > 1 ? `${v} ×${n}` : v)).join(', ');
}

/** `key=value` for each set field of a settings object (engine, safety). */
function settings(o: Readonly<Record<string, unknown>> | undefined): string[] {
  return o
    ? Object.entries(o)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${String(v)}`)
    : [];
}

export function summarizeScenario(file: string, s: Scenario): string {
  const lines = [`${file}: ok`];
  const header = [
    s.seed !== undefined ? `seed ${s.seed}` : null,
    s.host !== undefined ? `host ${s.host}` : null,
    s.port !== undefined ? `port ${s.port}` : null,
    s.api_key !== undefined ? plural(typeof s.api_key === 'string' ? 1 : s.api_key.length, 'API key') : null,
  ].filter((x) => x !== null);
  if (header.length > 0) lines.push(`  ${header.join(', ')}`);
  lines.push(`  ${plural(s.models.length, 'model')}:`);
  for (const m of s.models) {
    const names = m.served_model_name === undefined ? [] : typeof m.served_model_name === 'string' ? [m.served_model_name] : m.served_model_name;
    const details = [
      names.length > 0 ? `served as ${names.join(', ')}` : null,
      m.profile ? `profile ${m.profile}` : null,
      m.tokenizer ? `tokenizer ${m.tokenizer}` : null,
      m.max_model_len !== undefined ? `max_model_len ${m.max_model_len}` : null,
      ...settings(m.engine),
      m.reasoning_parser ? `reasoning_parser ${m.reasoning_parser}` : null,
      m.enable_auto_tool_choice && m.tool_call_parser ? `tool calls (${m.tool_call_parser})` : null,
      m.tool_call_probability !== undefined ? `tool_call_probability ${m.tool_call_probability}` : null,
      m.output_lengths ? `output lengths median ${m.output_lengths.median}` : null,
      m.lora_modules?.length ? plural(m.lora_modules.length, 'LoRA adapter') : null,
    ].filter((x) => x !== null);
    lines.push(`    ${m.model}${details.length > 0 ? ` (${details.join(', ')})` : ''}`);
  }
  const rules = s.rules ?? [];
  lines.push(`  ${plural(rules.length, 'rule')}${rules.length > 0 ? `: ${tally(rules.map((r) => Object.keys(r.respond)[0] ?? '?'))}` : ''}`);
  const faults = s.faults ?? [];
  const faultKinds = faults.map((f) => (f.kind === 'http_error' && f.status !== undefined ? `http_error ${f.status}` : f.kind));
  lines.push(`  ${plural(faults.length, 'fault')}${faults.length > 0 ? `: ${tally(faultKinds)}` : ''}`);
  const replicas = s.replicas ?? [];
  if (replicas.length > 0) {
    const own = replicas.filter((r) => r.profile || r.engine || r.faults).length;
    lines.push(`  ${plural(replicas.length, 'replica')}${own > 0 ? ` (${own} with their own profile, engine or faults)` : ''}`);
  }
  const safety = settings(s.safety);
  if (safety.length > 0) lines.push(`  safety: ${safety.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
