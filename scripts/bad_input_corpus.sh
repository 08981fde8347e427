#!/usr/bin/env bash
# Runs every case of Tests/BadInput/ against the real binary. A case is a folder with its input
# files, `args` (the command line) and `expected` (the exit status, then the one line stderr
# must be). Each runs in a copy of its folder, which must be unchanged afterwards: bad input
# never writes a workspace or half a file. Prints "bad input: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BIN:-.build/debug/bundlekd}")
passed=0; failed=0
for case in Tests/BadInput/*/; do
    name=$(basename "$case")
    work=$(mktemp -d)
    cp -r "$case". "$work"
    before=$(cd "$work" && find . -type f ! -name args ! -name expected -exec sha256sum {} + | sort)
    read -r -a argv < "$case/args"
    (cd "$work" && "$BIN" "${argv[@]}" </dev/null >"$work.out" 2>"$work.err"); rc=$?
    status=$(sed -n 1p "$case/expected"); message=$(sed -n 2p "$case/expected")
    after=$(cd "$work" && find . -type f ! -name args ! -name expected -exec sha256sum {} + | sort)
    problems=""
    [ "$rc" = "$status" ] || problems+="exit $rc, expected $status; "
    [ "$(cat "$work.err")" = "$message" ] || problems+="stderr: $(cat "$work.err"); "
    [ "$before" = "$after" ] || problems+="files changed: $(diff <(echo "$before") <(echo "$after") | tail -n +2 | tr '\n' ' '); "
    grep -q "sk-" "$work.err" "$work.out" && problems+="a key was echoed; "
    if [ -z "$problems" ]; then passed=$((passed + 1)); echo "ok   bad input: $name"
    else failed=$((failed + 1)); echo "FAIL bad input: $name: $problems"; fi
    rm -rf "$work" "$work.out" "$work.err"
done
echo "bad input: $passed passed, $failed failed"
[ $failed -eq 0 ]
