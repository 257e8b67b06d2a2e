#!/usr/bin/env bash
# Cross-check with Python langchain-openai (not part of npm test). Needs a Python with langchain-openai installed:
#   python3 -m venv /tmp/lc-venv && /tmp/lc-venv/bin/pip install langchain-openai   (see docs/CLIENTS.md)
# Usage: PYTHON=/tmp/lc-venv/bin/python bash tests/python-crosscheck/run-langchain.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-python3}"
PORT="${PORT:-8011}"
status=0
for mode in off on; do
  flags=()
  [ "$mode" = on ] && flags=(--enable-auto-tool-choice --tool-call-parser hermes)
  node bin/llmsim.js serve Qwen/Qwen3-8B --port "$PORT" --speedup inf --profile instant --disable-log-stats "${flags[@]}" >/tmp/llmsim-lc-$mode.log 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
  echo "== llmsim ${flags[*]:-(no tool flags)}"
  LLMSIM_URL="http://127.0.0.1:$PORT" TOOLS_ON=$([ "$mode" = on ] && echo 1 || echo 0) "$PY" tests/python-crosscheck/langchain_openai_check.py || status=1
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
exit $status
