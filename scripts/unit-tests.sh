#!/usr/bin/env bash
# Runs `swift test` with the real local model server up (tests of the real model read
# LLM_BASE_URL), and stops the server afterwards whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
export LLM_PORT=${LLM_PORT:-$(scripts/free-ports.sh)}     # a free port: a user's server is never touched
trap 'scripts/llm-server.sh stop' EXIT
eval "export $(scripts/llm-server.sh start)"
swift test
