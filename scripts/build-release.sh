#!/bin/sh
# The optimised workbench every benchmark measures (.build/release/bundlekd). The Swift runtime
# and Foundation are linked in statically: a process starts in 15 ms instead of 26 ms (perf stat,
# `bundlekd --version`), as the dynamic loader no longer resolves Foundation's symbols at each
# launch; the binary is 99 MB instead of 28 MB.
set -e
cd "$(dirname "$0")/.."
exec "${SWIFT:-swift}" build -c release --static-swift-stdlib --product bundlekd "$@"
