#!/usr/bin/env bash
# Runs `swift test` with the real local model server up (tests of the real model read
# LLM_BASE_URL), and stops the server afterwards whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
export LLM_PORT=${LLM_PORT:-18089}     # a port of its own, so a user's server on 18080 is untouched
trap 'scripts/llm-server.sh stop' EXIT
eval "export $(scripts/llm-server.sh start)"
swift test
