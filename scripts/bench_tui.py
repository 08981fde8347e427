#!/usr/bin/env python3
"""Responsiveness of the workbench on the full real BundleRec data (Electronic, Clothing and Food
together: 2,775 sessions with bundles, listed twice so the list holds 5,550), measured on the real
binary in tmux:

  * first frame: from just before exec to the first drawn frame (BUNDLEKD_T0 → trace);
  * key → frame: from a key's arrival to its drawn frame, for 300 list moves, idle and while the
    teacher streams (the trace records each key);
  * idle CPU: utime + stime of the process over 10 idle seconds (/proc/PID/stat).

Each figure is printed beside its budget with the ratio measured / budget (< 1 is within).
  * data frame: from just before exec to the first frame with every session listed (the data is
    read in the background), median of --launches; with --reference, measured alternately with
    another build on the same data, and the ratio.

Usage: python3 scripts/bench_tui.py [--data ../shared/data/bundlerec] [--bin .build/release/bundlekd]
                                    [--reference OTHER_BUILD]
"""
import argparse, os, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("--data", default="../shared/data/bundlerec")
ap.add_argument("--bin", default=".build/release/bundlekd")
ap.add_argument("--keys", type=int, default=300)
ap.add_argument("--reference", help="another build (e.g. of an older commit) whose data frame is measured "
                "alternately with --bin's, for the ratio")
ap.add_argument("--launches", type=int, default=5, help="launches of each binary for the data-frame median")
ap.add_argument("--copies", type=int, default=2,
                help="list every real session this many times (ids suffixed), for a list past 3,000")
args = ap.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, args.bin)
data = os.path.abspath(os.path.join(root, args.data))
if not os.path.isdir(data):
    sys.exit(f"bench_tui: {data} not found (the real data lives in ../shared/data)")

sock = f"bench-tui-{os.getpid()}"
def tmux(*a, check=True):
    return subprocess.run(["tmux", "-L", sock, "-f", "/dev/null", *a], check=check, capture_output=True, text=True).stdout
def screen():
    return tmux("capture-pane", "-p", "-t", "b")
def wait_for(text, timeout=120):
    end = time.time() + timeout
    while time.time() < end:
        if text in screen():
            return True
        time.sleep(0.02)
    return False

work = tempfile.mkdtemp()
# The three real domains hold 2,775 sessions with bundles after preprocessing; exported once to
# JSON Lines (in a temporary folder, never the repository) and listed --copies times.
export = os.path.join(work, "real.jsonl")
subprocess.run([binary, "data", "export", "--data", data, "--output", export], check=True, capture_output=True)
import json
lines = open(export, encoding="utf-8").read().splitlines()
os.makedirs(os.path.join(work, "data"))
with open(os.path.join(work, "data", "sessions.jsonl"), "w", encoding="utf-8") as out:
    for copy in range(args.copies):
        for line in lines:
            session = json.loads(line)
            if copy:
                session["id"] = f"{session['id']}~{copy}"
            out.write(json.dumps(session, ensure_ascii=False) + "\n")
sessions_total = len(lines) * args.copies
data = os.path.join(work, "data")
trace = os.path.join(work, "trace.txt")
with open(os.path.join(work, "bundlekd.toml"), "w") as f:
    f.write("[local]\nport = 18096\n[local_teacher]\nport = 18097\n")  # its own servers
cmd = (f"cd {work} && BUNDLEKD_TRACE={trace} BUNDLEKD_T0=$(date +%s%N) exec {binary} --data {data} --config bundlekd.toml")
try:
    tmux("new-session", "-d", "-s", "b", "-x", "160", "-y", "48", "-e", "TERM=tmux-256color", "-e", "LANG=C.UTF-8", cmd)
    if not wait_for(f"Sessions {sessions_total}/{sessions_total}", 60):
        sys.exit(f"bench_tui: the workbench did not show {sessions_total} sessions:\n" + screen())
    pid = int(tmux("display", "-p", "-t", "b", "#{pane_pid}").strip())

    def keys_ms(count, key="j"):
        before = sum(1 for line in open(trace) if line.startswith("key_ms"))
        for i in range(count):
            tmux("send-keys", "-t", "b", key if i % 50 < 25 else "k")
            time.sleep(0.01)
        end = time.time() + 30
        while time.time() < end:
            values = [float(l.split()[1]) for l in open(trace) if l.startswith("key_ms")]
            if len(values) >= before + count:
                return values[before:before + count]
            time.sleep(0.05)
        return [float(l.split()[1]) for l in open(trace) if l.startswith("key_ms")][before:]

    idle_keys = keys_ms(args.keys)

    def cpu_seconds():
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    time.sleep(1)
    c0, t0 = cpu_seconds(), time.time()
    time.sleep(10)
    idle_cpu = (cpu_seconds() - c0) / (time.time() - t0) * 100

    # A stream running: the teacher extracts thoughts for 2 sessions while keys move the list.
    tmux("send-keys", "-t", "b", "2", "p", "r")   # stages: thoughts only
    tmux("send-keys", "-t", "b", "Enter")
    streaming = wait_for("streaming…", 180)
    tmux("send-keys", "-t", "b", "1")
    stream_keys = keys_ms(args.keys) if streaming else []
    still = "▶ extract" in screen()
    tmux("send-keys", "-t", "b", "Escape")
    wait_for("extract: cancelled", 30)
    tmux("send-keys", "-t", "b", "q")
    time.sleep(0.5)
finally:
    tmux("kill-server", check=False)

first = [float(l.split()[1]) for l in open(trace) if l.startswith("first_frame_ms")][0]
def row(name, value, budget, unit):
    print(f"{name:<42} {value:>9.2f} {unit:<3} budget {budget:>6.1f} {unit:<3} ratio {value / budget:5.2f}")
p95 = lambda v: sorted(v)[int(0.95 * (len(v) - 1))]
print(f"TUI benchmark: {binary}, real BundleRec electronic+clothing+food ({len(lines)} sessions with bundles) "
      f"listed {args.copies}× = {sessions_total} sessions, 160×48, {len(idle_keys)} + {len(stream_keys)} keys")
row("first frame after exec", first, 150, "ms")


def data_frame_marks(build):
    """One launch of `build` on the same data: the trace's marks (ms since exec) once the frame
    listing every session is drawn; data_frame_ms is that frame, older builds write only it."""
    path = os.path.join(work, "launch-trace.txt")
    if os.path.exists(path):
        os.remove(path)
    launch = (f"cd {work} && BUNDLEKD_TRACE={path} BUNDLEKD_T0=$(date +%s%N) exec {build} --data {data} "
              "--config bundlekd.toml")
    tmux("new-session", "-d", "-s", "l", "-x", "160", "-y", "48", "-e", "TERM=tmux-256color", "-e", "LANG=C.UTF-8",
         launch)
    try:
        end = time.time() + 60
        while time.time() < end:
            marks = dict((l.split()[0], float(l.split()[1])) for l in open(path)) if os.path.exists(path) else {}
            if "data_frame_ms" in marks:
                return marks
            time.sleep(0.01)
        sys.exit(f"bench_tui: {build} listed no data within 60 s")
    finally:
        tmux("kill-session", "-t", "l", check=False)
        time.sleep(0.3)


builds = [binary] + ([os.path.abspath(args.reference)] if args.reference else [])
launches = {b: [] for b in builds}
for _ in range(args.launches):
    for b in builds:  # alternating, so a noisy neighbour hurts both alike
        launches[b].append(data_frame_marks(b))
tmux("kill-server", check=False)
median_of = lambda build, mark: statistics.median(m[mark] for m in launches[build])
ours = median_of(binary, "data_frame_ms")
row(f"data frame, median of {args.launches} launches", ours, 150, "ms")
if all("data_loaded_ms" in m for m in launches[binary]):
    print(f"{'  of which (medians, ms after exec)':<42} workbench code starts {median_of(binary, 'run_start'):.1f}, "
          f"loader starts {median_of(binary, 'load_start'):.1f}, data ready {median_of(binary, 'data_loaded_ms'):.1f}")
if args.reference:
    reference = median_of(builds[1], "data_frame_ms")
    print(f"{'  reference ' + args.reference:<42} {reference:>9.2f} ms  ratio this / reference {ours / reference:5.2f}")
row("key → frame, median (idle)", statistics.median(idle_keys), 16, "ms")
row("key → frame, p95 (idle)", p95(idle_keys), 16, "ms")
row("key → frame, max (idle)", max(idle_keys), 16, "ms")
if stream_keys:
    row("key → frame, median (teacher streaming)", statistics.median(stream_keys), 16, "ms")
    row("key → frame, p95 (teacher streaming)", p95(stream_keys), 16, "ms")
    row("key → frame, max (teacher streaming)", max(stream_keys), 16, "ms")
    print(f"{'':<42} the stream was {'still running' if still else 'over'} after the keys")
else:
    print("key → frame while streaming: not measured (the teacher did not start streaming within 180 s)")
row("CPU when idle (10 s)", idle_cpu, 1, "%")
