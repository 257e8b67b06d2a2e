/**
 * @module vLLM's `--tool-call-parser` names and its start-up rule for them (ParserManager.get_tool_parser,
 * cli_args.validate_parsed_serve_args): a model extracts tool calls only with auto tool choice enabled *and* a parser.
 */

/**
 * `--tool-call-parser` names vLLM registers (vllm/tool_parsers/__init__.py, 2026 main). llmsim writes every call the
 * same way whichever is named; the name only has to be one vLLM would load, or come from `--tool-parser-plugin`.
 */
export const TOOL_CALL_PARSERS = [
  'apertus',
  'cohere_command3',
  'cohere_command4',
  'deepseek_v3',
  'deepseek_v31',
  'deepseek_v32',
  'deepseek_v4',
  'ernie45',
  'functiongemma',
  'gemma4',
  'gigachat3',
  'glm45',
  'glm47',
  'granite',
  'granite-20b-fc',
  'granite4',
  'hermes',
  'hunyuan_a13b',
  'hy_v3',
  'inkling',
  'internlm',
  'jamba',
  'kimi_k2',
  'kimi_k3',
  'lfm2',
  'llama3_json',
  'llama4_json',
  'llama4_pythonic',
  'longcat',
  'mimo',
  'minicpm5',
  'minimax_m2',
  'minimax_m3',
  'mistral',
  'olmo3',
  'openai',
  'phi4_mini_json',
  'poolside_v1',
  'pythonic',
  'qwen3_coder',
  'qwen3_xml',
  'seed_oss',
  'solar_open2',
  'step3',
  'step3p5',
  'xlam',
] as const;

export interface ToolParserFlags {
  readonly enableAutoToolChoice: boolean;
  readonly toolCallParser: string | null;
  /** `--tool-parser-plugin FILE`: names registered there are unknown to llmsim, so any name is taken. */
  readonly toolParserPlugin?: string | null;
}

/**
 * The parser a model's calls are extracted with, or null: as vLLM's ParserManager, only when auto tool choice is
 * enabled *and* a parser is named (a parser alone is never loaded). Throws vLLM's start-up errors (one line each).
 */
export function toolParserOf(flags: ToolParserFlags, where = ''): string | null {
  const { enableAutoToolChoice, toolCallParser } = flags;
  if (enableAutoToolChoice && !toolCallParser) throw new Error(`${where}Error: --enable-auto-tool-choice requires --tool-call-parser`);
  if (!enableAutoToolChoice || !toolCallParser) return null;
  if (!flags.toolParserPlugin && !(TOOL_CALL_PARSERS as readonly string[]).includes(toolCallParser))
    throw new Error(`${where}Error: --enable-auto-tool-choice requires tool_parser:'${toolCallParser}' which has not been registered`);
  return toolCallParser;
}
