#!/usr/bin/env bash
# End-to-end tests of the real `bundlekd` binary: the Sessions screen driven in tmux, and the
# command line's answers to bad input. Prints "N passed, M failed"; exits non-zero on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/debug/bundlekd}
SHARED=../shared/data
passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && echo "$2" | sed 's/^/     /'; }

# Ports found free now (scripts/free-ports.sh), never fixed ones another program may hold.
free_ports() { scripts/free-ports.sh; }
PA=$(free_ports); PSIG=$(free_ports); PCPP=$(free_ports); PS=$(free_ports); PT=$((PS + 1))
SOCK="bundlekd-e2e-$$"
T() { tmux -L "$SOCK" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null' EXIT
screen() { T capture-pane -p -t e2e; }
wait_for() {   # poll the screen until the text appears (5 s at most); never fixed sleeps
    for _ in $(seq 1 100); do screen | grep -qF -- "$1" && return 0; sleep 0.05; done
    return 1
}
check() {      # check NAME TEXT: the screen shows TEXT
    if wait_for "$2"; then ok "$1"; else fail "$1" "$(screen)"; fi
}

# The expected count is computed here, by a second implementation, from the demo file.
matcha=$(python3 - <<'PY'
import json
n = 0
for line in open("sessions/demo.jsonl", encoding="utf-8"):
    s = json.loads(line)
    if not s["bundles"]:
        continue
    text = " ".join([s["id"], s["domain"]] + [(i.get("title") or "") + " " + i["categories"][0][-1] for i in s["items"]]
                    + [b["intent"] for b in s["bundles"]]).lower()
    n += "matcha" in text
print(n)
PY
)
total=$(python3 -c 'import json; print(sum(1 for l in open("sessions/demo.jsonl") if json.loads(l)["bundles"]))')

T new-session -d -s e2e -x 120 -y 40 -e TERM=tmux-256color -e LANG=C.UTF-8 "$BIN; echo EXIT=\$?; sleep 30"
check "starts on the Sessions screen with the demo data" "Sessions $total/$total"
check "shows the first session's details" "Session e001 · electronic"
T send-keys -t e2e j
check "j selects the next session" "Session e002 · electronic"
T send-keys -t e2e /
check "/ opens the filter" "filter: ▏"
T send-keys -t e2e -l matcha
T send-keys -t e2e Enter
check "the filter narrows the list ($matcha sessions mention matcha)" "Sessions $matcha/$total /matcha"
check "a matching session shows the wide-character title aligned" "抹茶 Ceremonial Matcha Powder"
T send-keys -t e2e Down
T send-keys -t e2e '?'
check "? opens help" "─ Help · Sessions ─"
T send-keys -t e2e Escape
gone=no
for _ in $(seq 1 100); do screen | grep -qF "─ Help · Sessions ─" || { gone=yes; break; }; sleep 0.05; done
[ $gone = yes ] && screen | grep -qF "Sessions $matcha/$total" && ok "any key closes help" || fail "any key closes help" "$(screen)"
# Every row with a wide character must still end exactly at column 120 (the right border).
widths=$(screen | grep -F "抹茶" | python3 -c '
import sys, unicodedata as u
for line in sys.stdin:
    line = line.rstrip("\n")
    print(sum(2 if u.east_asian_width(c) in "WF" else 1 for c in line))')
[ -n "$widths" ] && [ "$(echo "$widths" | sort -u)" = "120" ] && ok "rows with wide characters line up (width 120)" \
    || fail "rows with wide characters line up" "widths: $widths"
T resize-window -t e2e -x 50 -y 12
check "a too-small terminal says so" "Terminal too small: 50×12"
check "and asks for a larger window" "enlarge the window to at least 80×24"
T resize-window -t e2e -x 40 -y 12
check "at 40 columns the notice wraps and stays whole" "80×24."
T resize-window -t e2e -x 120 -y 40
check "growing back redraws the screen" "Sessions $matcha/$total /matcha"
T send-keys -t e2e q
check "q quits with status 0" "EXIT=0"
T kill-session -t e2e 2>/dev/null

# Bad environments and bad input: one line, non-zero exit.
out=$("$BIN" </dev/null 2>&1); rc=$?
[ $rc -eq 2 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "standard input is not a terminal" \
    && ok "stdin that is not a terminal is refused" || fail "stdin that is not a terminal is refused" "rc=$rc $out"
T new-session -d -s dumb -x 80 -y 24 "env TERM=dumb $BIN; echo EXIT=\$?; sleep 30"
if for _ in $(seq 1 100); do T capture-pane -p -t dumb | grep -qF "EXIT=2" && break; sleep 0.05; done; T capture-pane -p -t dumb | grep -qF "TERM=dumb cannot address the cursor"; then
    ok "TERM=dumb is refused"; else fail "TERM=dumb is refused" "$(T capture-pane -p -t dumb)"; fi
out=$("$BIN" data show nosuch 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "bundlekd: sessions/ (field SESSION_ID): unknown session id 'nosuch'" ] \
    && ok "an unknown session id is one line, exit 1" || fail "an unknown session id is one line, exit 1" "rc=$rc $out"
out=$("$BIN" data stats --data /no/such/folder 2>&1); rc=$?
[ $rc -eq 1 ] && [ "$out" = "bundlekd: /no/such/folder: no such file or folder" ] \
    && ok "a missing data path is one line, exit 1" || fail "a missing data path is one line, exit 1" "rc=$rc $out"

# The bad-input corpus (Tests/BadInput): exact line, exit status, nothing written.
while IFS= read -r line; do
    case $line in ok*) ok "${line#ok   }" ;; FAIL*) fail "${line#FAIL }" ;; esac
done < <(BIN=$BIN scripts/bad_input_corpus.sh)

# The real local model through the CLI: the workbench starts the server itself (nothing answers on
# this port yet), streams an answer, serves the repeat from the cache, and stops the server.
if [ -x "${LLM_DIR:-$HOME/.cache/bundlekd/llm}/venv-llama-server/bin/python" ]; then
    work=$(mktemp -d)
    # One teacher request at a time, so Ctrl-C below lands between extraction steps.
    # The machinery on the small model: the teacher role goes to the student's server here (the
    # real 1.5B teacher has its own block below).
    printf '[local]\nport = %s\n[teacher]\nbase_url = "http://127.0.0.1:%s/v1"\nmodel = "local"\nmax_concurrency = 1\n' "$PA" "$PA" > "$work/bundlekd.toml"
    out=$("$BIN" llm chat --stream --config "$work/bundlekd.toml" "What is the capital of France?" 2>"$work/err"); rc=$?
    if [ $rc -eq 0 ] && [ -n "$out" ] && grep -q "starting the local model server" "$work/err" && grep -q "1 attempt" "$work/err"; then
        ok "llm chat --stream starts the local server and streams a real answer"
    else fail "llm chat --stream starts the local server and streams a real answer" "rc=$rc out=$out $(cat "$work/err")"; fi
    curl -sf http://127.0.0.1:$PA/health >/dev/null && fail "the local server is stopped when the command ends" || ok "the local server is stopped when the command ends"
    out2=$("$BIN" llm chat --config "$work/bundlekd.toml" "What is the capital of France?" 2>"$work/err2")
    [ "$out2" = "$out" ] && grep -q "cache hit" "$work/err2" && ok "the repeated question is a cache hit with the same answer" \
        || fail "the repeated question is a cache hit with the same answer" "$out2 / $(cat "$work/err2")"
    # Extraction with a live progress bar, interrupted by Ctrl-C after the first step, then resumed.
    T new-session -d -s ex -x 150 -y 20 -e TERM=tmux-256color "cd $work && $PWD/$BIN extract --data $PWD/sessions --domain food --ratio 0.15 --stages thoughts --config bundlekd.toml; echo EXIT=\$?; sleep 30"
    for _ in $(seq 1 1200); do T capture-pane -p -t ex | grep -q "\[thoughts\] 1/3 steps" && break; sleep 0.1; done
    T send-keys -t ex C-c
    for _ in $(seq 1 300); do T capture-pane -p -t ex | grep -q "EXIT=" && break; sleep 0.1; done
    if T capture-pane -p -t ex | grep -q "EXIT=130" && T capture-pane -p -t ex | grep -qF "interrupted; finished steps are stored"; then
        ok "extract shows a live progress bar and stops cleanly on Ctrl-C"; else fail "extract shows a live progress bar and stops cleanly on Ctrl-C" "$(T capture-pane -p -t ex)"; fi
    T kill-session -t ex 2>/dev/null
    out=$(cd "$work" && "$OLDPWD/$BIN" extract --data "$OLDPWD/sessions" --domain food --ratio 0.15 --stages thoughts --config bundlekd.toml 2>/dev/null)
    stored=$(echo "$out" | sed -n 's/.* \([0-9]*\) thoughts; \([0-9]*\) steps resumed.*/\1 \2/p')
    set -- $stored
    [ -n "$stored" ] && [ "$2" -ge 1 ] && [ $(($1 + $2)) -eq 3 ] && ok "a second run resumes where Ctrl-C stopped it ($2 resumed, $1 new)" \
        || fail "a second run resumes where Ctrl-C stopped it" "$out"
    n=$(cd "$work" && "$OLDPWD/$BIN" knowledge list --format thought --config bundlekd.toml | tail -n +2 | wc -l)
    [ "$n" -eq 3 ] && ok "three sessions, three stored thoughts, none duplicated" || fail "three sessions, three stored thoughts, none duplicated" "$n thoughts"
    rm -rf "$work"

    # The workbench itself against the real model: a zero-shot student run for Compare, then
    # extraction streamed in the Extract screen, the item in Knowledge, format toggles, Compare.
    work=$(mktemp -d); ROOT=$PWD
    printf '[local]\nport = %s\n[teacher]\nbase_url = "http://127.0.0.1:%s/v1"\nmodel = "local"\n' "$PA" "$PA" > "$work/bundlekd.toml"
    (cd "$work" && "$ROOT/$BIN" run --data "$ROOT/sessions" --domain food --formats none --limit 3 --config bundlekd.toml >/dev/null 2>&1)
    T new-session -d -s e2e -x 120 -y 40 -e TERM=tmux-256color -e LANG=C.UTF-8 \
        "cd $work && $ROOT/$BIN --data $ROOT/sessions --domain food --config bundlekd.toml; echo EXIT=\$?; sleep 60"
    check "the workbench opens on the food sessions" "Sessions "
    T send-keys -t e2e 2
    check "2 opens the Extract screen" "Teacher extraction"
    T send-keys -t e2e Enter
    streamed=no
    for _ in $(seq 1 1200); do screen | grep -qF "streaming…" && { streamed=yes; break; }; sleep 0.1; done
    [ $streamed = yes ] && ok "Enter starts the teacher and its tokens stream in" || fail "Enter starts the teacher and its tokens stream in" "$(screen)"
    T resize-window -t e2e -x 100 -y 30
    check "the screen redraws at 100×30 while streaming" "Calls "
    T resize-window -t e2e -x 120 -y 40
    finished=no
    for _ in $(seq 1 3000); do screen | grep -qF "extract finished" && { finished=yes; break; }; sleep 0.1; done
    [ $finished = yes ] && ok "the extraction finishes (totals: $(screen | grep -o '[0-9]* calls ([0-9]* cached)' | head -1))" \
        || fail "the extraction finishes" "$(screen)"
    T send-keys -t e2e 3 ']'
    sleep 0.3; rules=$(screen)
    T send-keys -t e2e ']'
    sleep 0.3; thoughts=$(screen)
    if echo "$rules$thoughts" | grep -qE "│● (1\.|food/)"; then ok "the extracted knowledge appears in Knowledge, marked as in the sample"
    else fail "the extracted knowledge appears in Knowledge" "$rules$thoughts"; fi
    screen | grep -qF "Product categories that past shoppers" && fail "patterns start out of the prompt" "$(screen)"
    T send-keys -t e2e p
    check "p puts the mined patterns into the student's prompt" "Product categories that past shoppers"
    T send-keys -t e2e p
    gone=no
    for _ in $(seq 1 100); do screen | grep -qF "Product categories that past shoppers" || { gone=yes; break; }; sleep 0.05; done
    [ $gone = yes ] && ok "p again takes them out" || fail "p again takes them out" "$(screen)"
    T send-keys -t e2e 4
    check "Compare shows the stored run's first session" "(1/3) · paper mode"
    T send-keys -t e2e j
    check "j steps to the next session" "(2/3) · paper mode"
    T send-keys -t e2e 5
    check "Experiments lists the run" "│none"
    T send-keys -t e2e q
    check "q quits the workbench with status 0" "EXIT=0"
    [ "$(T display -p -t e2e '#{alternate_on}')" = "0" ] && ok "the terminal is restored (alternate screen off)" \
        || fail "the terminal is restored" "alternate_on=$(T display -p -t e2e '#{alternate_on}')"
    curl -sf http://127.0.0.1:$PA/health >/dev/null && fail "the workbench stops the local server it started" \
        || ok "the workbench stops the local server it started"
    T kill-session -t e2e 2>/dev/null

    # The analyst's lab on those rules: a rules cell, then A attributes it from the Knowledge
    # screen in the background (each rule left out of both sessions' prompts), x and w save a
    # curated set, and the Compare screen lists the knowledge in each prompt.
    lab_run() { (cd "$work" && "$ROOT/$BIN" run --data "$ROOT/sessions" --domain food --formats rules --ratio 0.1 \
        --limit 2 --config bundlekd.toml >/dev/null 2>"$work/lab.err"); }
    # One retry, saying why: the cell is the lab's input, and a loaded machine once failed it.
    if lab_run; then ok "a rules cell for the lab runs"
    elif first=$(tail -1 "$work/lab.err"); lab_run; then ok "a rules cell for the lab runs (second try; first: $first)"
    else fail "a rules cell for the lab runs" "$(tail -3 "$work/lab.err")"; fi
    T new-session -d -s lab -x 120 -y 40 -e TERM=tmux-256color -e LANG=C.UTF-8 -e USER=ana \
        "cd $work && $ROOT/$BIN --data $ROOT/sessions --domain food --config bundlekd.toml; echo EXIT=\$?; sleep 60"
    check_in() { local session=$1 label=$2 text=$3; for _ in $(seq 1 ${4:-100}); do
        T capture-pane -p -t "$session" | grep -qF -- "$text" && { ok "$label"; return; }; sleep 0.1; done
        fail "$label" "$(T capture-pane -p -t "$session")"; }
    check_in lab "the lab workbench opens" "Sessions "
    T send-keys -t lab 3 ']'
    # "Sessions" shows before the workspace snapshot arrives; an A pressed before it says so ("the
    # workspace is still loading"), so A is pressed until the snapshot is in. "no icl run" is a failure.
    for _ in $(seq 1 20); do
        T send-keys -t lab A; sleep 0.5
        T capture-pane -p -t lab | grep -qF "the workspace is still loading" || break
    done
    check_in lab "A starts the attribution of the rules run in the background" "attribute" 50
    check_in lab "the attribution finishes" "attribute finished" 3000
    check_in lab "each rule shows its measured effect (Δprec)" "Δprec"
    T send-keys -t lab x w
    T send-keys -t lab -l "lean"
    T send-keys -t lab Enter
    check_in lab "x disables a rule and w saves the draft as a versioned set" "saved knowledge set lean@1"
    T send-keys -t lab q
    check_in lab "the lab workbench quits with status 0" "EXIT=0"
    T kill-session -t lab 2>/dev/null
    out=$(cd "$work" && "$ROOT/$BIN" knowledge sets --config bundlekd.toml 2>&1)
    echo "$out" | grep -qE "^lean@1 +food +ana" && ok "knowledge sets lists it with its author" \
        || fail "knowledge sets lists it with its author" "$out"
    out=$(cd "$work" && "$ROOT/$BIN" knowledge export --data "$ROOT/sessions" --config bundlekd.toml 2>&1)
    echo "$out" | grep -qF -- "- effect: helped" && ok "knowledge export carries each rule's effect" \
        || fail "knowledge export carries each rule's effect" "$(echo "$out" | tail -5)"
    rm -rf "$work"

    # No model server outlives the workbench, whatever signal ends it. Each case starts a long
    # answer (the command starts its own server on a port nothing else uses), then ends it.
    work=$(mktemp -d)
    printf '[local]\nport = %s\n[teacher]\nbase_url = "http://127.0.0.1:%s/v1"\nmodel = "local"\n' "$PSIG" "$PSIG" > "$work/bundlekd.toml"
    server_pid() { pgrep -f -- "--port $PSIG" | head -1; }
    wait_server_up() { for _ in $(seq 1 1200); do curl -sf http://127.0.0.1:$PSIG/health >/dev/null && return 0; sleep 0.1; done; return 1; }
    # Gone: no such process, or a zombie (dead; reaping it is init's business, and the container's may not).
    wait_gone() { for _ in $(seq 1 150); do case $(ps -o stat= -p "$1" 2>/dev/null) in ""|Z*) return 0 ;; esac; sleep 0.1; done; return 1; }
    for sig in TERM HUP INT KILL; do
        "$BIN" llm chat --no-cache --max-tokens 400 --config "$work/bundlekd.toml" "Tell me a long story about a shop." \
            >/dev/null 2>&1 &
        cli=$!
        if wait_server_up; then
            srv=$(server_pid)
            kill -$sig $cli; wait $cli 2>/dev/null; rc=$?
            if wait_gone "$srv"; then ok "SIG$sig to 'llm chat' leaves no server behind (exit $rc)"
            else fail "SIG$sig to 'llm chat' leaves no server behind" "$(ps -o pid,stat,args -p "$srv")"; kill -9 "$srv"; fi
        else fail "SIG$sig: the server did not come up" "$(tail -5 "${LLM_DIR:-$HOME/.cache/bundlekd/llm}/server-$PSIG.log")"; kill -9 $cli; fi
    done
    # Ctrl-C at a terminal (the whole foreground group gets SIGINT), and closing the terminal
    # (tmux kill-session sends SIGHUP) while the workbench streams an extraction.
    T new-session -d -s sig -x 120 -y 20 "$BIN llm chat --no-cache --max-tokens 400 --config $work/bundlekd.toml 'A long story.'; echo EXIT=\$?; sleep 30"
    if wait_server_up; then
        srv=$(server_pid); T send-keys -t sig C-c
        for _ in $(seq 1 100); do T capture-pane -p -t sig | grep -q "EXIT=" && break; sleep 0.1; done
        T capture-pane -p -t sig | grep -q "EXIT=130" && wait_gone "$srv" && ok "Ctrl-C in 'llm chat' exits 130 and stops the server" \
            || { fail "Ctrl-C in 'llm chat' exits 130 and stops the server" "$(T capture-pane -p -t sig)"; kill -9 "$srv" 2>/dev/null; }
    else fail "Ctrl-C in llm chat: the server did not come up"; fi
    T kill-session -t sig 2>/dev/null
    T new-session -d -s sig -x 120 -y 40 -e TERM=tmux-256color "cd $work && $ROOT/$BIN --data $ROOT/sessions --domain food --config bundlekd.toml"
    for _ in $(seq 1 100); do T capture-pane -p -t sig | grep -qF "Sessions " && break; sleep 0.05; done
    T send-keys -t sig 2; sleep 0.3; T send-keys -t sig Enter
    if wait_server_up; then
        srv=$(server_pid); T kill-session -t sig
        wait_gone "$srv" && ok "closing the terminal (SIGHUP) during an extraction stops the server" \
            || { fail "closing the terminal during an extraction stops the server" "$(ps -o pid,stat,args -p "$srv")"; kill -9 "$srv"; }
    else fail "the TUI extraction did not start the server" "$(T capture-pane -p -t sig)"; T kill-session -t sig 2>/dev/null; fi
    # An install started on first use (an empty LLM_DIR) runs under the same lifecycle: Ctrl-C and
    # SIGTERM end the command at once with 128 + n, and after a SIGKILL of the command the install's
    # pip and compilers stop too (the watcher in scripts/lib/stop-with-parent.sh).
    empty=$(mktemp -d)
    installing() { grep -lsaF "LLM_DIR=$empty" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vx "${1:-}"; }
    for sig in INT TERM KILL; do
        rm -rf "${empty:?}"/*
        LLM_DIR="$empty" "$BIN" llm chat --no-cache --config "$work/bundlekd.toml" "Hi" >/dev/null 2>&1 & cli=$!
        for _ in $(seq 1 100); do [ -n "$(installing $cli)" ] && break; sleep 0.1; done
        sleep 1  # into pip's download or build
        kill -$sig $cli; wait $cli; rc=$?
        for _ in $(seq 1 50); do [ -z "$(installing)" ] && break; sleep 0.1; done
        left=$(installing | wc -l)
        want=$([ $sig = INT ] && echo 130 || { [ $sig = TERM ] && echo 143 || echo 137; })
        [ $rc -eq $want ] && [ "$left" -eq 0 ] && ok "SIG$sig during the first-use install exits $want and leaves no process" \
            || { fail "SIG$sig during the first-use install" "rc=$rc, $left processes left: $(installing | xargs -r ps -o pid,args -p)"; installing | xargs -r kill -9; }
    done
    rm -rf "$empty"
    # A server this workbench did not start is used, and left running.
    LLM_PORT=$PSIG scripts/llm-server.sh start >/dev/null
    srv=$(server_pid)
    out=$("$BIN" llm chat --config "$work/bundlekd.toml" --max-tokens 8 "Hi" 2>&1)
    kill -0 "$srv" 2>/dev/null && curl -sf http://127.0.0.1:$PSIG/health >/dev/null && ! echo "$out" | grep -q "starting the local" \
        && ok "a server already running on the port is used and not stopped" || fail "a server already running is used and not stopped" "$out"
    LLM_PORT=$PSIG scripts/llm-server.sh stop
    rm -rf "$work"

    # A second real server kind: llama-cpp-python's. It serves one request at a time (the rest
    # queue in silence), refuses json_schema with HTTP 500 but takes a grammar: the compact-JSON
    # grammar must work there too (the step down is tested against the fault server).
    LCP=${LLM_DIR:-$HOME/.cache/bundlekd/llm}/venv-llama-cpp-python/bin/python
    if [ -x "$LCP" ] && "$LCP" -c 'import llama_cpp.server.app' 2>/dev/null; then
        work=$(mktemp -d)
        OMP_WAIT_POLICY=PASSIVE "$LCP" -m llama_cpp.server --model "${LLM_DIR:-$HOME/.cache/bundlekd/llm}/models/SmolLM2-135M-Instruct.Q4_1.gguf" \
            --model_alias local --host 127.0.0.1 --port $PCPP --n_ctx 4096 --n_threads 1 --n_threads_batch 1 \
            --logits_all false --interrupt_requests false --verbose false >"$work/server.log" 2>&1 &
        lcp=$!
        for _ in $(seq 1 1200); do curl -sf http://127.0.0.1:$PCPP/v1/models >/dev/null && break; sleep 0.1; done
        printf '[teacher]\nbase_urls = ["http://127.0.0.1:%s/v1"]\n[student]\nbase_urls = ["http://127.0.0.1:%s/v1"]\n' "$PCPP" "$PCPP" > "$work/bundlekd.toml"
        out=$("$BIN" llm status --config "$work/bundlekd.toml" 2>&1)
        echo "$out" | grep -q "structured output: grammar (auto, checked now)" \
            && ok "llm status finds that llama-cpp-python takes the compact-JSON grammar" || fail "llm status on llama-cpp-python" "$out"
        out=$(cd "$work" && "$ROOT/$BIN" run --data "$ROOT/sessions" --domain food --formats none --limit 3 --config bundlekd.toml 2>&1); rc=$?
        [ $rc -eq 0 ] && ! echo "$out" | grep -q "refused" && echo "$out" | grep -q "| 3 (" \
            && ok "a run against llama-cpp-python answers 3 queued requests under the grammar, with no step down" \
            || fail "a run against llama-cpp-python under the grammar" "rc=$rc $out"
        out=$("$BIN" llm chat --stream --config "$work/bundlekd.toml" "Name one fruit." 2>&1 >/dev/null); rc=$?
        [ $rc -eq 0 ] && echo "$out" | grep -q "tokens unknown" && ok "llm chat --stream on llama-cpp-python (no usage in the stream: tokens unknown)" \
            || fail "llm chat --stream on llama-cpp-python" "rc=$rc $out"
        kill $lcp; wait $lcp 2>/dev/null
        rm -rf "$work"
    else
        fail "llama-cpp-python's server" "not installed (make llm-fallback)"
    fi

    # The CPU trainer's bad inputs: each is one line and a non-zero exit, and nothing is registered.
    work=$(mktemp -d)
    printf '[local]\nport = %s\n' "$PA" > "$work/bundlekd.toml"
    d="--data $ROOT/sessions --domain food --config bundlekd.toml"
    # A sample with no sessions: the food sessions, all put in the test split, so none is for training.
    python3 -c 'import json,sys
for l in open(sys.argv[1]):
    s = json.loads(l)
    if s["domain"] == "food": s["split"] = "test"; print(json.dumps(s))' "$ROOT/sessions/demo.jsonl" > "$work/testonly.jsonl"
    (cd "$work" && "$ROOT/$BIN" extract --data testonly.jsonl --config bundlekd.toml --stages patterns --sample empty >/dev/null 2>&1)
    out=$(cd "$work" && "$ROOT/$BIN" sft train --data testonly.jsonl --config bundlekd.toml --sample empty --format rules 2>&1); rc=$?
    [ $rc -eq 1 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "the sample 'empty' has no sessions" \
        && ok "sft train on an empty sample: one line, exit 1" || fail "sft train on an empty sample" "rc=$rc $out"
    (cd "$work" && "$ROOT/$BIN" extract $d --stages patterns --ratio 0.2 --sample few >/dev/null 2>&1)
    out=$(cd "$work" && "$ROOT/$BIN" sft train $d --sample few --format thoughts 2>&1); rc=$?
    [ $rc -eq 1 ] && echo "$out" | grep -q "no rows: the sample has no session with thoughts knowledge" \
        && ok "sft train with no rows for the format: one line, exit 1" || fail "sft train with no rows for the format" "rc=$rc $out"
    printf '[local]\nport = %s\nmodel_path = "/no/such/model.gguf"\n' "$PA" > "$work/missing.toml"
    out=$(cd "$work" && "$ROOT/$BIN" sft train --data "$ROOT/sessions" --domain food --config missing.toml --sample few 2>&1); rc=$?
    [ $rc -eq 1 ] && echo "$out" | tail -1 | grep -q "the base model /no/such/model.gguf is missing" \
        && ok "sft train without the base model: one line, exit 1" || fail "sft train without the base model" "rc=$rc $out"
    T new-session -d -s ft -x 150 -y 20 -e TERM=tmux-256color "cd $work && $ROOT/$BIN sft train $d --sample few --name cut --epochs 50; echo EXIT=\$?; sleep 30"
    for _ in $(seq 1 1800); do T capture-pane -p -t ft | grep -q "epoch 1/50 · step" && break; sleep 0.1; done
    T send-keys -t ft C-c
    for _ in $(seq 1 300); do T capture-pane -p -t ft | grep -q "EXIT=" && break; sleep 0.1; done
    registered=$(cd "$work" && "$ROOT/$BIN" run $d --formats none --method sft --student cut --limit 1 2>&1 | tail -1)
    if T capture-pane -p -t ft | grep -q "EXIT=130" && [ ! -e "$work/students/cut/adapter.gguf" ] && [ ! -e "$work/students/cut/adapter.gguf.part" ] \
        && echo "$registered" | grep -q "no fine-tuned student 'cut' is registered"; then
        ok "Ctrl-C during training exits 130, leaves no model and registers nothing"
    else fail "Ctrl-C during training" "$(T capture-pane -p -t ft) / $registered / $(ls -R "$work/students" 2>&1)"; fi
    T kill-session -t ft 2>/dev/null
    out=$(cd "$work" && SFT_DIR=/dev/null/sft "$ROOT/$BIN" sft train $d --sample few --name nowhere 2>&1); rc=$?
    [ $rc -eq 1 ] && echo "$out" | tail -1 | grep -q "installing the LoRA trainer failed" \
        && ok "sft train when the trainer's venv cannot be installed: one line, exit 1" || fail "sft train with a failing venv install" "rc=$rc $out"
    # Train (two steps) → registered → served with its adapter by run --method sft.
    started=$(date +%s)
    out=$(cd "$work" && "$ROOT/$BIN" sft train $d --sample few --name quick --max-steps 2 2>&1); rc=$?
    out2=$(cd "$work" && "$ROOT/$BIN" run $d --formats none --method sft --student quick --limit 1 2>&1); rc2=$?
    [ $rc -eq 0 ] && echo "$out" | grep -q "registered fine-tuned student 'quick'" && [ -s "$work/students/quick/adapter.gguf" ] \
        && [ $rc2 -eq 0 ] && echo "$out2" | grep -q "| food | none | - | - | sft |" \
        && ok "sft train (LoRA, 2 steps) registers a student that run --method sft serves ($(( $(date +%s) - started )) s)" \
        || fail "sft train then run --method sft" "rc=$rc $out / rc2=$rc2 $out2"
    # The SFT sweep: each cell's student is trained on the prompt the cell is tested with — sft on the
    # plain prompt (the sample's zero-shot student), icl+sft with the patterns; a rerun trains nothing.
    started=$(date +%s)
    out=$(cd "$work" && "$ROOT/$BIN" grid $d --formats patterns --ratios 0.2 --methods sft,icl+sft --limit 1 2>&1); rc=$?
    again=$(cd "$work" && "$ROOT/$BIN" grid $d --formats patterns --ratios 0.2 --methods sft,icl+sft --limit 1 2>&1)
    [ $rc -eq 0 ] && [ "$(echo "$out" | grep -c "training student sft-food-patterns-random-0.2-s42 on 4 rows")" -eq 1 ] \
        && [ "$(echo "$out" | grep -c "training student sft-food-none-random-0.2-s42 on 4 rows")" -eq 1 ] \
        && echo "$out" | grep -q "| food | patterns | random | 0.2 | icl+sft |" && ! echo "$again" | grep -q "training student" \
        && [ "$(echo "$again" | grep -c "sft] already done")" -eq 2 ] \
        && ok "grid --methods sft,icl+sft trains each cell's student on its test prompt, reused by a rerun ($(( $(date +%s) - started )) s)" \
        || fail "the SFT sweep" "rc=$rc $out / $again"
    rm -rf "$work"

    # The real teacher, Qwen2.5-Coder-1.5B-Instruct, on a server of its own started only when the
    # teacher is first needed (shape only: it is slow here). Ports nothing else uses.
    work=$(mktemp -d)
    printf '[local]\nport = %s\n[local_teacher]\nport = %s\n' "$PS" "$PT" > "$work/bundlekd.toml"
    out=$(cd "$work" && "$ROOT/$BIN" llm status 2>&1)
    echo "$out" | grep -qF "local teacher  http://127.0.0.1:$PT/v1  qwen2.5-coder-1.5b-instruct" \
        && echo "$out" | grep -qF "local student  http://127.0.0.1:$PS/v1  local" \
        && ok "llm status shows the teacher's and the student's local servers" || fail "llm status shows both local servers" "$out"
    started=$(date +%s)
    out=$(cd "$work" && "$ROOT/$BIN" extract --data "$ROOT/sessions" --domain food --stages rules --limit 1 2>&1); rc=$?
    extract_s=$(( $(date +%s) - started ))
    log=$(cd "$work" && "$ROOT/$BIN" llm log --last 5 2>&1)
    [ $rc -eq 0 ] && echo "$out" | grep -q "starting the local model server qwen2.5-coder-1.5b-instruct" \
        && echo "$log" | grep -q "teacher.*qwen2.5-coder-1.5b-instruct" \
        && ok "a rules step with the real 1.5B teacher (${extract_s} s)" || fail "a rules step with the real 1.5B teacher" "rc=$rc $out / $log"
    started=$(date +%s)
    out=$(cd "$work" && "$ROOT/$BIN" run --data "$ROOT/sessions" --domain food --method teacher --limit 2 2>&1); rc=$?
    teacher_s=$(( $(date +%s) - started ))
    [ $rc -eq 0 ] && echo "$out" | grep -q "| food | none | - | - | teacher |" && ! echo "$out" | grep -q "starting the local model server local" \
        && ok "a teacher cell on two sessions, without starting the student's server (${teacher_s} s)" \
        || fail "a teacher cell on two sessions" "rc=$rc $out"
    curl -sf http://127.0.0.1:$PT/health >/dev/null && fail "the teacher's server is stopped when the command ends" "still up" \
        || ok "the teacher's server is stopped when the command ends"
    echo "real teacher tests: extraction step ${extract_s} s, teacher cell ${teacher_s} s"
    rm -rf "$work"
else
    fail "llm chat against the local model" "the local model server is not installed (make llm)"
fi

# The published figures from the CLI (skipped, with the reason, only when ../shared is absent).
if [ -d "$SHARED/bundlerec" ]; then
    out=$("$BIN" data stats --data "$SHARED/bundlerec")
    expected="electronic 1145 893 1750 1346
clothing 1181 968 1910 1488
food 1161 914 1784 1352"
    got=$(echo "$out" | awk 'NR>1 {print $1, $2, $3, $4, $5}')
    [ "$got" = "$expected" ] && ok "data stats prints the published BundleRec figures" || fail "data stats prints the published BundleRec figures" "$out"
else
    echo "skip data stats on real data: $SHARED/bundlerec is absent"
fi

echo "e2e: $passed passed, $failed failed"
[ $failed -eq 0 ]
