"""A small reference client with vLLM's `vllm bench serve` definitions (vllm/benchmarks/serve.py and
lib/endpoint_request_func.py), written from them for llmsim's agreement check (vLLM itself is not installable here).

  python3 bench/vllm_reference_client.py run WORKLOAD.json BASE_URL OUT.json   # stream the workload, vLLM-style
  python3 bench/vllm_reference_client.py stats RESULT.json                    # vLLM's statistics of a result JSON

WORKLOAD.json: {"endpoint": "/v1/completions", "model": ..., "requests": [{"id", "prompt_ids", "output_len"}],
"offsets": [seconds...], "max_concurrency": null | N, "ignore_eos": bool}.
Definitions: TTFT = first SSE message carrying a choice; ITL = gaps between such messages; latency = send to the
last such message; TPOT = (latency - TTFT) / (output_tokens - 1) when output_tokens > 1; statistics with numpy
(mean, median, population std, linear percentiles), ms.
"""
import asyncio
import json
import sys
import time

import aiohttp
import numpy as np


async def one(session, url, body, rid):
    out = {"success": False, "ttft": 0.0, "itl": [], "latency": 0.0, "output_tokens": 0, "start": 0.0}
    st = time.perf_counter()
    out["start"] = st
    last = st
    first = True
    buf = ""
    async with session.post(url, json=body, headers={"x-request-id": rid}) as resp:
        if resp.status != 200:
            return out
        async for chunk in resp.content.iter_any():
            buf += chunk.decode()
            while "\n\n" in buf:
                msg, buf = buf.split("\n\n", 1)
                msg = msg.strip()
                if not msg.startswith("data: ") or msg == "data: [DONE]":
                    continue
                now = time.perf_counter()
                data = json.loads(msg[6:])
                if data.get("choices"):
                    if first:
                        first = False
                        out["ttft"] = now - st
                    else:
                        out["itl"].append(now - last)
                    last = now
                elif data.get("usage"):
                    out["output_tokens"] = data["usage"].get("completion_tokens") or 0
    out["success"] = not first
    out["latency"] = last - st
    return out


async def run(workload, base_url):
    chat = workload["endpoint"].endswith("chat/completions")
    url = base_url.rstrip("/") + workload["endpoint"]
    cap = workload.get("max_concurrency")
    sem = asyncio.Semaphore(cap) if cap else None
    conn = aiohttp.TCPConnector(limit=cap or 0, limit_per_host=cap or 0)
    async with aiohttp.ClientSession(connector=conn, timeout=aiohttp.ClientTimeout(total=3600)) as session:
        async def limited(r):
            if chat:
                body = {"model": workload["model"], "messages": [{"role": "user", "content": r["text"]}], "max_completion_tokens": r["output_len"], "stream": True, "stream_options": {"include_usage": True}}
            else:
                body = {"model": workload["model"], "prompt": r["prompt_ids"], "repetition_penalty": 1.0, "max_tokens": r["output_len"], "stream": True, "stream_options": {"include_usage": True}}
            if workload.get("ignore_eos"):
                body["ignore_eos"] = True
            if sem is None:
                return await one(session, url, body, r["id"])
            async with sem:
                return await one(session, url, body, r["id"])

        t0 = time.perf_counter()
        tasks = []
        for r, offset in zip(workload["requests"], workload["offsets"]):
            wait = t0 + offset - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            tasks.append(asyncio.create_task(limited(r)))
        outs = await asyncio.gather(*tasks)
        duration = time.perf_counter() - t0
    return {
        "duration": duration,
        "completed": sum(1 for o in outs if o["success"]),
        "ttfts": [o["ttft"] for o in outs],
        "itls": [o["itl"] for o in outs],
        "latencies": [o["latency"] for o in outs],
        "output_lens": [o["output_tokens"] if o["success"] else 0 for o in outs],
        "successes": [o["success"] for o in outs],
    }


def stats(result):
    succ = result.get("successes") or [e == "" for e in result["errors"]]
    ok = [i for i in range(len(result["latencies"])) if succ[i]]
    ttfts = [result["ttfts"][i] for i in ok]
    e2els = [result["latencies"][i] for i in ok]
    itls = [g for i in ok for g in result["itls"][i]]
    tpots = []
    for i in ok:
        n = result["output_lens"][i] or 1
        if n > 1:
            tpots.append((result["latencies"][i] - result["ttfts"][i]) / (n - 1))
    out = {}
    for name, values in (("ttft", ttfts), ("tpot", tpots), ("itl", itls), ("e2el", e2els)):
        out[f"mean_{name}_ms"] = float(np.mean(values or 0) * 1000)
        out[f"median_{name}_ms"] = float(np.median(values or 0) * 1000)
        out[f"std_{name}_ms"] = float(np.std(values or 0) * 1000)
        out[f"p99_{name}_ms"] = float(np.percentile(values or 0, 99) * 1000)
    total_out = sum(result["output_lens"][i] or 1 for i in ok)
    out["output_throughput"] = total_out / result["duration"]
    out["request_throughput"] = len(ok) / result["duration"]
    return out


if __name__ == "__main__":
    if sys.argv[1] == "run":
        workload = json.load(open(sys.argv[2]))
        result = asyncio.run(run(workload, sys.argv[3]))
        result.update(stats(result))
        json.dump(result, open(sys.argv[4], "w"))
    elif sys.argv[1] == "stats":
        print(json.dumps(stats(json.load(open(sys.argv[2])))))
