/**
 * @module GPU datasheet entries: memory bandwidth, dense (non-sparse) tensor throughput, memory and interconnect, as
 * the vendors publish them. A profile names one (`gpu: h100-sxm`) or spells one out.
 */

export interface GpuSpec {
  readonly name: string;
  /** HBM/GDDR bandwidth, TB/s. */
  readonly hbm_tb_s: number;
  /** Dense BF16 tensor TFLOP/s (FP32 accumulate), without the 2:4 sparsity factor. */
  readonly dense_tflops: number;
  /** Dense FP8 tensor TFLOP/s, where the card has FP8 tensor cores (Hopper, Ada, Blackwell, CDNA3). */
  readonly fp8_tflops?: number;
  /** Memory as the vendor names the card ("80GB"); HBM and GDDR are sized in GiB, so read as GiB where memory_gib is unknown. */
  readonly memory_gb: number;
  /**
   * Total device memory as CUDA reports it, GiB: what vLLM multiplies by gpu_memory_utilization (torch.cuda.mem_get_info
   * total, `gpu_worker.py`). From vLLM logs / PyTorch totals where published (see `source`); a little under memory_gb.
   * An nvidia-smi total is 0.3-0.8 GiB above what CUDA hands out (H100: 81559 MiB vs 79.19 GiB; A100: 81920 MiB vs
   * 79.15 GiB): entries still sourced from nvidia-smi (L40S, L4, RTX 4090) are that much high.
   */
  readonly memory_gib?: number;
  /** All-reduce bandwidth per direction, GB/s (NVLink/Infinity Fabric, or PCIe). */
  readonly link_gb_s?: number;
  readonly allreduce_latency_us?: number;
  readonly source?: string;
}

/** Keyed by short name. The `name` strings are what vLLM-style defaults match on (e.g. /a100/i). */
export const GPUS: Readonly<Record<string, GpuSpec>> = {
  'h100-sxm': {
    name: 'H100-SXM-80GB',
    hbm_tb_s: 3.35,
    dense_tflops: 989,
    fp8_tflops: 1979,
    memory_gb: 80,
    memory_gib: 79.19,
    link_gb_s: 225,
    allreduce_latency_us: 15,
    source:
      'NVIDIA H100 Tensor Core GPU datasheet (SXM5);' +
      ' memory: vllm-project/vllm#26836 usage stats: gpu_memory_per_device 85,029,158,912 bytes (vllm#10511 logs total_gpu_memory 79.22GiB)',
  },
  'h100-pcie': {
    name: 'H100-PCIe-80GB',
    hbm_tb_s: 2.0,
    dense_tflops: 756,
    fp8_tflops: 1513,
    memory_gb: 80,
    memory_gib: 79.19,
    link_gb_s: 50,
    allreduce_latency_us: 25,
    source:
      'NVIDIA H100 Tensor Core GPU datasheet (PCIe);' +
      ' memory: public nvidia-smi outputs of "NVIDIA H100 PCIe" print 81559MiB, the SXM part\'s total, so CUDA reports the same 79.19 GiB',
  },
  'h100-nvl': {
    name: 'H100-NVL-94GB',
    hbm_tb_s: 3.9,
    dense_tflops: 835,
    fp8_tflops: 1670,
    memory_gb: 94,
    memory_gib: 93.58,
    link_gb_s: 300,
    allreduce_latency_us: 15,
    source:
      'NVIDIA H100 NVL product brief (3.9 TB/s; BF16 1,671 and FP8 3,341 TFLOPS with sparsity, halved here; NVLink bridge 600 GB/s bidirectional);' +
      ' memory: nvidia-smi total 95830MiB',
  },
  h200: {
    name: 'H200-SXM-141GB',
    hbm_tb_s: 4.8,
    dense_tflops: 989,
    fp8_tflops: 1979,
    memory_gb: 141,
    link_gb_s: 225,
    allreduce_latency_us: 15,
    source: 'NVIDIA H200 Tensor Core GPU datasheet (SXM)',
  },
  b200: {
    name: 'B200-SXM-180GB',
    hbm_tb_s: 8.0,
    dense_tflops: 2250,
    fp8_tflops: 4500,
    memory_gb: 180,
    memory_gib: 178.35,
    link_gb_s: 450,
    allreduce_latency_us: 12,
    source: 'NVIDIA DGX/HGX B200 datasheet (per GPU: 8 TB/s, 2.25 PFLOPS dense BF16); memory: totalGlobalMem 178.35 GiB (pytorch/ao#4002)',
  },
  'a100-80gb': {
    name: 'A100-SXM-80GB',
    hbm_tb_s: 2.039,
    dense_tflops: 312,
    memory_gb: 80,
    memory_gib: 79.15,
    link_gb_s: 150,
    allreduce_latency_us: 20,
    source:
      'NVIDIA A100 Tensor Core GPU datasheet (80GB SXM);' +
      ' memory: CUDA total 79.15 GiB' +
      ' (vLLM logs "total_gpu_memory (79.15GiB)"; a card nvidia-smi shows as 81920MiB reports "total capacity of 79.15 GiB" to PyTorch)',
  },
  'a100-40gb': {
    name: 'A100-SXM-40GB',
    hbm_tb_s: 1.555,
    dense_tflops: 312,
    memory_gb: 40,
    memory_gib: 39.38,
    link_gb_s: 150,
    allreduce_latency_us: 20,
    source:
      'NVIDIA A100 Tensor Core GPU datasheet (40GB SXM);' +
      ' memory: CUDA total 39.38 GiB (vllm-project/vllm#16570: "total_gpu_memory (39.38GiB)" on 4×A100 40GB; nvidia-smi shows 40960MiB)',
  },
  l40s: {
    name: 'L40S-48GB',
    hbm_tb_s: 0.864,
    dense_tflops: 362,
    fp8_tflops: 733,
    memory_gb: 48,
    memory_gib: 44.99,
    link_gb_s: 25,
    allreduce_latency_us: 30,
    source: 'NVIDIA L40S datasheet (BF16 362 TFLOPS dense); memory: nvidia-smi total 46068MiB (modal-labs/modal-client#2797)',
  },
  l4: {
    name: 'L4-24GB',
    hbm_tb_s: 0.3,
    dense_tflops: 121,
    fp8_tflops: 242,
    memory_gb: 24,
    memory_gib: 22.49,
    link_gb_s: 25,
    allreduce_latency_us: 30,
    source: 'NVIDIA L4 datasheet (BF16 242 TFLOPS with sparsity); memory: nvidia-smi total 23034MiB (modal-labs/modal-client#2797)',
  },
  'rtx-4090': {
    name: 'RTX-4090-24GB',
    hbm_tb_s: 1.008,
    dense_tflops: 165,
    fp8_tflops: 330,
    memory_gb: 24,
    memory_gib: 23.99,
    link_gb_s: 25,
    allreduce_latency_us: 30,
    source:
      'NVIDIA Ada Lovelace architecture whitepaper (RTX 4090: FP16/BF16 tensor, FP32 accumulate, 165.2 TFLOPS);' +
      ' memory: nvidia-smi total 24564MiB (vllm-project/vllm#7553)',
  },
  mi300x: {
    name: 'MI300X-192GB',
    hbm_tb_s: 5.3,
    dense_tflops: 1307,
    fp8_tflops: 2615,
    memory_gb: 192,
    link_gb_s: 150,
    allreduce_latency_us: 20,
    source: 'AMD Instinct MI300X datasheet (BF16 1307.4 TFLOPS dense)',
  },
};
