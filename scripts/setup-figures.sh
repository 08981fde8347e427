#!/usr/bin/env bash
# Installs the plotting venv of `bundlekd report --figure`: matplotlib (pinned) in
# $FIGURES_DIR/venv (default ~/.cache/bundlekd/figures, outside the clone, so CI's fresh clone
# reuses it). Idempotent: a stamp names the pins; once it matches, a run takes a second.
set -euo pipefail
source "$(dirname "$0")/lib/stop-with-parent.sh"
FIGURES_DIR=${FIGURES_DIR:-$HOME/.cache/bundlekd/figures}
VENV=$FIGURES_DIR/venv
PINS="matplotlib==3.11.2"
STAMP=$VENV/.bundlekd-pins
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$PINS" ]; then echo "setup-figures: ready ($VENV)"; exit 0; fi
echo "setup-figures: installing $PINS into $VENV (once; about 40 MB)"
mkdir -p "$FIGURES_DIR"
[ -x "$VENV/bin/pip" ] || { rm -rf "$VENV"; /usr/bin/python3 -m venv "$VENV"; }   # a venv cut short has no pip
# shellcheck disable=SC2086
"$VENV/bin/pip" install -q $PINS || { echo "setup-figures: pip could not install $PINS into $VENV" >&2; exit 1; }
echo "$PINS" > "$STAMP"
echo "setup-figures: ready ($VENV)"
