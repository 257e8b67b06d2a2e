/** @module The scenario file schema (zod, single source): served models, engine settings, canned response rules, faults, replicas. */
import { z } from 'zod';
import { FaultSchema } from '../faults/schema.ts';

const positiveInt = () => z.int().positive();

export const EngineSettingsSchema = z
  .strictObject({
    max_num_seqs: positiveInt().optional().describe('Running-batch cap (vLLM --max-num-seqs).'),
    max_num_batched_tokens: positiveInt().optional().describe('Per-step token budget (vLLM --max-num-batched-tokens).'),
    block_size: positiveInt().optional().describe('KV cache block size in tokens (16).'),
    num_gpu_blocks_override: positiveInt().optional().describe('Fix the KV cache size in blocks.'),
    gpu_memory_utilization: z.number().gt(0).lte(1).optional(),
    enable_prefix_caching: z.boolean().optional(),
    scheduling_policy: z.enum(['fcfs', 'priority']).optional(),
    max_waiting: z.int().nonnegative().optional().describe('Bound on the waiting queue; beyond it requests get 429.'),
    max_loras: positiveInt().optional().describe('Distinct LoRA adapters per running batch (vLLM --max-loras).'),
  })
  .describe('Engine settings; unset values are derived from the latency profile like vLLM does.');

export const OutputLengthsSchema = z.strictObject({
  median: z.number().positive(),
  sigma: z.number().nonnegative(),
  min: positiveInt(),
  max: positiveInt(),
});

export const LoraModuleSchema = z.strictObject({ name: z.string().min(1), path: z.string().min(1) });

export const ModelSpecSchema = z
  .strictObject({
    model: z.string().min(1).describe('Model id, reported as `root` (e.g. Qwen/Qwen3-8B).'),
    served_model_name: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    tokenizer: z.string().optional().describe('Local Hugging Face tokenizer directory.'),
    profile: z.string().optional().describe('Latency profile name (scenarios/profiles/<name>.yaml) or a path.'),
    max_model_len: positiveInt().optional(),
    engine: EngineSettingsSchema.optional(),
    output_lengths: OutputLengthsSchema.optional(),
    reasoning_parser: z.enum(['qwen3', 'deepseek_r1']).optional(),
    tool_call_probability: z.number().min(0).max(1).optional(),
    enable_auto_tool_choice: z
      .boolean()
      .optional()
      .describe('vLLM --enable-auto-tool-choice for this model (needs tool_call_parser); off: chat requests asking for tool calls get 400.'),
    tool_call_parser: z.string().min(1).optional().describe('vLLM --tool-call-parser for this model (e.g. hermes, llama3_json).'),
    lora_modules: z.array(LoraModuleSchema).optional(),
  })
  .refine((m) => !m.enable_auto_tool_choice || m.tool_call_parser !== undefined, {
    // vLLM's start-up check, worded for the file.
    message: 'enable_auto_tool_choice requires tool_call_parser',
    path: ['tool_call_parser'],
  });

export const RuleMatchSchema = z
  .strictObject({
    model: z.string().optional(),
    last_user_message: z
      .string()
      .refine(isRegex, 'not a valid regular expression')
      .optional()
      .describe('Regular expression tested against the last user message (or the prompt).'),
    json_path: z
      .strictObject({
        path: z.string().describe('Dotted path into the request body, e.g. metadata.case'),
        equals: z.unknown().optional(),
        matches: z.string().refine(isRegex, 'not a valid regular expression').optional(),
      })
      .optional(),
  })
  .describe('All given conditions must hold.');

export const RuleResponseSchema = z.union([
  z.strictObject({ content: z.string() }),
  z.strictObject({ tool_calls: z.array(z.strictObject({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) })).min(1) }),
  z.strictObject({ json: z.unknown() }),
  z.strictObject({ error: z.strictObject({ status: z.int().min(400).max(599), message: z.string(), type: z.string().optional() }) }),
]);

export const RuleSchema = z.strictObject({
  name: z.string().optional(),
  match: RuleMatchSchema,
  respond: RuleResponseSchema,
});

export const ReplicaSchema = z
  .strictObject({
    name: z.string().optional().describe('Shown in logs and /admin/config (default replica-<i>).'),
    port: z.int().min(0).max(65535).optional().describe('Default: the scenario port + the replica index.'),
    profile: z.string().optional().describe("Overrides every model's latency profile on this replica (e.g. a slower GPU)."),
    engine: EngineSettingsSchema.optional().describe('Overrides engine settings of every model on this replica.'),
    faults: z.array(FaultSchema).optional().describe("This replica's faults (instead of the scenario-wide ones)."),
  })
  .describe('One independent engine set on its own port, with its own metrics and faults.');

export const ScenarioSafetySchema = z
  .strictObject({
    trust_request_chat_template: z.boolean().optional().describe('Accept request chat templates (vLLM --trust-request-chat-template).'),
    max_template_steps: positiveInt().optional().describe('Interpreter steps per request-template render.'),
    fault_header: z.boolean().optional().describe('Honour the x-llmsim-fault header (default true; false = --disable-fault-header).'),
    max_fault_header_seconds: z.number().nonnegative().optional().describe('Longest header timeout/stall, simulated seconds (default 60).'),
    responses_store: z.boolean().optional().describe('Keep Responses for GET and previous_response_id (vLLM VLLM_ENABLE_RESPONSES_API_STORE).'),
    responses_store_max_entries: z.int().nonnegative().optional(),
    responses_store_max_bytes: z.int().nonnegative().optional(),
  })
  .describe('What clients may make the server do; the command line wins.');

export const ScenarioSchema = z
  .strictObject({
    seed: z.int().nonnegative().optional(),
    host: z.string().optional(),
    port: z.int().min(0).max(65535).optional(),
    api_key: z.union([z.string(), z.array(z.string())]).optional(),
    models: z.array(ModelSpecSchema).min(1),
    rules: z.array(RuleSchema).optional().describe('Canned answers for CI fixtures; the first matching rule wins.'),
    faults: z.array(FaultSchema).optional().describe('Injected failures; the first fault whose selectors hold applies.'),
    safety: ScenarioSafetySchema.optional(),
    replicas: z.array(ReplicaSchema).min(1).optional().describe('Serve N independent replicas of the models, on consecutive ports by default.'),
  })
  .describe('An llmsim scenario: a whole simulated deployment.');

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ModelSpec = z.infer<typeof ModelSpecSchema>;
export type Rule = z.infer<typeof RuleSchema>;
export type ReplicaSpec = z.infer<typeof ReplicaSchema>;
export type RuleResponse = z.infer<typeof RuleResponseSchema>;

function isRegex(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}
