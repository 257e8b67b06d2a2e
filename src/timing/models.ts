/**
 * @module The model-shape library: the `config.json` values of the models people serve, and the parameter counts the
 * step model needs, derived from them (never typed in). A profile names a shape (`model: qwen3-8b`) or spells one out.
 */

/** A model's shape as the step model sees it (all counts in billions of parameters, bytes per element). */
export interface ModelShape {
  readonly name: string;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly kv_heads: number;
  /** Per-head dimension of Q·K (attention FLOPs). For MLA: qk_nope_head_dim + qk_rope_head_dim. */
  readonly head_dim: number;
  readonly vocab: number;
  /** Parameters in the transformer layers (no embedding table, no lm_head); for MoE all experts included. */
  readonly layer_params_b: number;
  readonly lm_head_params_b: number;
  /** Everything in memory, embeddings included. */
  readonly total_params_b: number;
  /** Bytes per element of activations and KV cache (2 = bf16). */
  readonly dtype_bytes: number;
  /** Bytes per weight when it differs from dtype_bytes (1 = FP8, 0.5 = INT4 AWQ/GPTQ). */
  readonly weight_bytes?: number;
  /** Mixture of experts: the routed experts' share of layer_params_b and how many a token uses. */
  readonly moe?: { readonly experts: number; readonly active: number; readonly expert_params_b: number };
  /** Multi-head latent attention (DeepSeek): the KV cache holds one compressed latent per token and layer. */
  readonly mla?: { readonly kv_lora_rank: number; readonly qk_rope_head_dim: number };
  /** Where the shape comes from. */
  readonly source?: string;
}

interface DenseConfig {
  readonly name: string;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly kv_heads: number;
  readonly head_dim: number;
  readonly intermediate: number;
  readonly vocab: number;
  readonly tied?: boolean;
  readonly moe?: { readonly experts: number; readonly active: number; readonly intermediate: number; readonly shared?: number };
}

const B = 1e9;
const round = (x: number): number => Math.round(x * 1000) / 1000;

/** Attention (q, k, v, o) + gated MLP (or routed experts) per layer, times layers; norms and biases are < 0.1 %. */
function fromConfig(c: DenseConfig, source: string): ModelShape {
  const attn = c.hidden * c.heads * c.head_dim * 2 + c.hidden * c.kv_heads * c.head_dim * 2;
  const mlp = c.moe ? 0 : 3 * c.hidden * c.intermediate;
  const experts = c.moe ? c.moe.experts * 3 * c.hidden * c.moe.intermediate + (c.moe.shared ?? 0) * 3 * c.hidden * c.moe.intermediate : 0;
  const router = c.moe ? c.hidden * c.moe.experts : 0;
  const layer = (attn + mlp + experts + router) * c.layers;
  const head = c.vocab * c.hidden;
  return {
    name: c.name,
    layers: c.layers,
    hidden: c.hidden,
    heads: c.heads,
    kv_heads: c.kv_heads,
    head_dim: c.head_dim,
    vocab: c.vocab,
    layer_params_b: round(layer / B),
    lm_head_params_b: round(head / B),
    total_params_b: round((layer + head * (c.tied ? 1 : 2)) / B),
    dtype_bytes: 2,
    ...(c.moe
      ? { moe: { experts: c.moe.experts, active: c.moe.active, expert_params_b: round((c.moe.experts * 3 * c.hidden * c.moe.intermediate * c.layers) / B) } }
      : {}),
    source,
  };
}

/**
 * DeepSeek-V3/R1 (config.json of deepseek-ai/DeepSeek-V3): MLA attention with q_lora_rank 1536, kv_lora_rank 512,
 * qk_nope 128 + qk_rope 64, v_head 128; 3 dense layers (intermediate 18432), then 58 MoE layers of 256 routed experts
 * (top-8, moe_intermediate 2048) plus one shared expert.
 */
function deepseekV3(): ModelShape {
  const d = 7168,
    L = 61,
    H = 128,
    dense = 3,
    moeLayers = L - dense;
  const attn = d * 1536 + 1536 * H * 192 + d * (512 + 64) + 512 * H * (128 + 128) + H * 128 * d;
  const expert = 3 * d * 2048;
  const routed = 256 * expert * moeLayers;
  const layer = attn * L + dense * 3 * d * 18432 + moeLayers * (expert + d * 256) + routed;
  const head = 129280 * d;
  return {
    name: 'deepseek-ai/DeepSeek-V3',
    layers: L,
    hidden: d,
    heads: H,
    kv_heads: H,
    head_dim: 192,
    vocab: 129280,
    layer_params_b: round(layer / B),
    lm_head_params_b: round(head / B),
    total_params_b: round((layer + 2 * head) / B),
    dtype_bytes: 2,
    weight_bytes: 1,
    moe: { experts: 256, active: 8, expert_params_b: round(routed / B) },
    mla: { kv_lora_rank: 512, qk_rope_head_dim: 64 },
    source: 'huggingface.co/deepseek-ai/DeepSeek-V3 config.json (FP8 weights as published)',
  };
}

const hf = (repo: string): string => `huggingface.co/${repo} config.json`;

/** Shapes by short name. Values are the models' config.json fields (hidden_size, num_hidden_layers, ...). */
export const MODELS: Readonly<Record<string, ModelShape>> = {
  'llama-3.1-8b': fromConfig(
    { name: 'meta-llama/Llama-3.1-8B-Instruct', layers: 32, hidden: 4096, heads: 32, kv_heads: 8, head_dim: 128, intermediate: 14336, vocab: 128256 },
    hf('meta-llama/Llama-3.1-8B-Instruct'),
  ),
  'llama-3.1-70b': fromConfig(
    { name: 'meta-llama/Llama-3.1-70B-Instruct', layers: 80, hidden: 8192, heads: 64, kv_heads: 8, head_dim: 128, intermediate: 28672, vocab: 128256 },
    hf('meta-llama/Llama-3.1-70B-Instruct'),
  ),
  'llama-3.3-70b': fromConfig(
    { name: 'meta-llama/Llama-3.3-70B-Instruct', layers: 80, hidden: 8192, heads: 64, kv_heads: 8, head_dim: 128, intermediate: 28672, vocab: 128256 },
    hf('meta-llama/Llama-3.3-70B-Instruct'),
  ),
  'mistral-7b-v0.3': fromConfig(
    { name: 'mistralai/Mistral-7B-Instruct-v0.3', layers: 32, hidden: 4096, heads: 32, kv_heads: 8, head_dim: 128, intermediate: 14336, vocab: 32768 },
    hf('mistralai/Mistral-7B-Instruct-v0.3'),
  ),
  'qwen2.5-0.5b': fromConfig(
    { name: 'Qwen/Qwen2.5-0.5B-Instruct', layers: 24, hidden: 896, heads: 14, kv_heads: 2, head_dim: 64, intermediate: 4864, vocab: 151936, tied: true },
    hf('Qwen/Qwen2.5-0.5B-Instruct'),
  ),
  'qwen2.5-7b': fromConfig(
    { name: 'Qwen/Qwen2.5-7B-Instruct', layers: 28, hidden: 3584, heads: 28, kv_heads: 4, head_dim: 128, intermediate: 18944, vocab: 152064 },
    hf('Qwen/Qwen2.5-7B-Instruct'),
  ),
  'qwen2.5-14b': fromConfig(
    { name: 'Qwen/Qwen2.5-14B-Instruct', layers: 48, hidden: 5120, heads: 40, kv_heads: 8, head_dim: 128, intermediate: 13824, vocab: 152064 },
    hf('Qwen/Qwen2.5-14B-Instruct'),
  ),
  'qwen2.5-32b': fromConfig(
    { name: 'Qwen/Qwen2.5-32B-Instruct', layers: 64, hidden: 5120, heads: 40, kv_heads: 8, head_dim: 128, intermediate: 27648, vocab: 152064 },
    hf('Qwen/Qwen2.5-32B-Instruct'),
  ),
  'qwen2.5-coder-32b': fromConfig(
    { name: 'Qwen/Qwen2.5-Coder-32B-Instruct', layers: 64, hidden: 5120, heads: 40, kv_heads: 8, head_dim: 128, intermediate: 27648, vocab: 152064 },
    hf('Qwen/Qwen2.5-Coder-32B-Instruct'),
  ),
  'qwen2.5-72b': fromConfig(
    { name: 'Qwen/Qwen2.5-72B-Instruct', layers: 80, hidden: 8192, heads: 64, kv_heads: 8, head_dim: 128, intermediate: 29568, vocab: 152064 },
    hf('Qwen/Qwen2.5-72B-Instruct'),
  ),
  'qwen3-4b': fromConfig(
    { name: 'Qwen/Qwen3-4B', layers: 36, hidden: 2560, heads: 32, kv_heads: 8, head_dim: 128, intermediate: 9728, vocab: 151936, tied: true },
    hf('Qwen/Qwen3-4B'),
  ),
  'qwen3-8b': fromConfig(
    { name: 'Qwen/Qwen3-8B', layers: 36, hidden: 4096, heads: 32, kv_heads: 8, head_dim: 128, intermediate: 12288, vocab: 151936 },
    hf('Qwen/Qwen3-8B'),
  ),
  'qwen3-14b': fromConfig(
    { name: 'Qwen/Qwen3-14B', layers: 40, hidden: 5120, heads: 40, kv_heads: 8, head_dim: 128, intermediate: 17408, vocab: 151936 },
    hf('Qwen/Qwen3-14B'),
  ),
  'qwen3-32b': fromConfig(
    { name: 'Qwen/Qwen3-32B', layers: 64, hidden: 5120, heads: 64, kv_heads: 8, head_dim: 128, intermediate: 25600, vocab: 151936 },
    hf('Qwen/Qwen3-32B'),
  ),
  'qwen3-30b-a3b': fromConfig(
    {
      name: 'Qwen/Qwen3-30B-A3B',
      layers: 48,
      hidden: 2048,
      heads: 32,
      kv_heads: 4,
      head_dim: 128,
      intermediate: 0,
      vocab: 151936,
      moe: { experts: 128, active: 8, intermediate: 768 },
    },
    hf('Qwen/Qwen3-30B-A3B'),
  ),
  'deepseek-v3': deepseekV3(),
};

/** Weight formats a profile can ask for on top of a shape: bytes per parameter. */
export const WEIGHT_FORMATS: Readonly<Record<string, number>> = { bf16: 2, fp16: 2, fp8: 1, int8: 1, int4: 0.5, awq: 0.5, gptq: 0.5 };

/** Parameters a token touches: the dense part plus its share of the experts (all of them for a dense model). */
export function activeLayerParams(m: ModelShape): number {
  if (!m.moe) return m.layer_params_b;
  return m.layer_params_b - m.moe.expert_params_b + (m.moe.expert_params_b * m.moe.active) / m.moe.experts;
}

/**
 * Expert weights a step of `tokens` tokens must read, as a fraction of all experts: with uniform routing the chance an
 * expert is picked by none of them is (1 − k/E)^tokens.
 */
export function expertsTouched(m: ModelShape, tokens: number): number {
  if (!m.moe) return 1;
  return 1 - (1 - m.moe.active / m.moe.experts) ** tokens;
}
