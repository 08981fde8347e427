#!/usr/bin/env python3
"""Grid throughput against the serving limit, measured in one run on one machine.

1. Capacity of the student's llama-server as the grid configures it (4 slots, half the cores):
   prompt processing tokens/s (one long prompt, cache off) and aggregate decode tokens/s (one
   request per slot at once, a fixed number of tokens each).
2. Knowledge for the cells (patterns mined; rules and thoughts by the teacher on a small sample),
   extracted once into a workspace that every grid run below starts from a copy of.
3. The same grid (formats none, patterns, rules, thoughts on the first N DICL test sessions, the
   student's answers not read from the cache) with this build and, with --reference, another
   build (e.g. of an older commit), alternately. For each: wall time, the student's prompt tokens
   sent and evaluated (sent minus those the server took from its KV cache, as the call log
   records them), completion tokens, the lower bound those tokens imply at the measured rates,
   and wall / bound. Then the speed-up this / reference.

Usage: scripts/bench_grid.py [--sessions 40] [--ratio 0.01] [--rounds 1] [--reference OTHER_BUILD]
"""
import argparse, json, os, shutil, sqlite3, statistics, subprocess, sys, tempfile, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "bundlekd")
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "dicl-electronic"))
PORT = 18122  # the capacity server; the grid's own embedded servers use the ports in its config
FORMATS = "none,patterns,rules,thoughts"


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)


def capacity(slots):
    """(prompt tokens/s, aggregate decode tokens/s) of a llama-server like the grid's student."""
    env = dict(os.environ, LLM_PORT=str(PORT))
    subprocess.run([os.path.join(ROOT, "scripts", "llm-server.sh"), "start"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    try:
        url = "http://127.0.0.1:%d" % PORT
        words = " ".join("item%d" % i for i in range(350))  # about 1,400 tokens (a slot holds 2,048)
        rates = []
        for round_ in range(3):
            r = post(url + "/completion", {"prompt": "%d %s" % (round_, words), "n_predict": 1, "cache_prompt": False})
            rates.append(r["timings"]["prompt_per_second"])
        predict = 96

        def one(i):
            return post(url + "/completion", {"prompt": "Count slowly %d:" % i, "n_predict": predict,
                                              "ignore_eos": True, "cache_prompt": False, "temperature": 0})
        started = time.perf_counter()
        with ThreadPoolExecutor(slots) as pool:
            answers = list(pool.map(one, range(slots)))
        wall = time.perf_counter() - started
        decoded = sum(a["timings"]["predicted_n"] for a in answers)
        return statistics.median(rates), decoded / wall
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "llm-server.sh"), "stop"], env=env)


def grid(build, base, folder, sessions, ratio):
    """One grid run of `build` on a copy of the knowledge workspace; returns its measurements."""
    os.makedirs(folder)
    for name in ("bundlekd.toml", "bench.sqlite"):
        shutil.copy(os.path.join(base, name), folder)
    started = time.perf_counter()
    p = subprocess.run([build, "grid", "--data", DATA, "--formats", FORMATS, "--ratios", str(ratio),
                        "--limit", str(sessions), "--no-cache"], cwd=folder, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if p.returncode != 0:
        sys.exit("bench_grid: %s grid failed:\n%s" % (build, p.stderr[-2000:]))
    db = sqlite3.connect(os.path.join(folder, "bench.sqlite"))
    columns = [row[1] for row in db.execute("pragma table_info(llmCall)")]
    # NULL when the build did not record it (an older one writes no value into the new column).
    cached = "sum(cachedPromptTokens)" if "cachedPromptTokens" in columns else "null"
    calls, prompt, completion, from_cache = db.execute(
        "select count(*), sum(promptTokens), sum(completionTokens), %s from llmCall "
        "where role = 'student' and cacheHit = 0 and error is null" % cached).fetchone()
    precision = [line for line in p.stdout.splitlines() if line.startswith("| electronic")]
    return {"wall": wall, "calls": calls, "prompt": prompt, "completion": completion, "cached": from_cache,
            "rows": precision}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", type=int, default=40)
    ap.add_argument("--ratio", type=float, default=0.01, help="the teacher's sample for rules and thoughts")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--reference", help="another build to run the same grid with, alternately")
    args = ap.parse_args()
    if not os.path.isdir(DATA):
        sys.exit("bench_grid: %s not found (the real data lives in ../shared/data)" % DATA)
    subprocess.run(["swift", "build", "-c", "release", "--product", "bundlekd"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    builds = [BIN] + ([os.path.abspath(args.reference)] if args.reference else [])

    slots = 4
    prompt_rate, decode_rate = capacity(slots)
    print("capacity of the student's server (llama-server, %d slots, half the cores): prompt %.0f tokens/s, "
          "decode %.1f tokens/s aggregate" % (slots, prompt_rate, decode_rate))

    work = tempfile.mkdtemp(prefix="bench-grid-")
    base = os.path.join(work, "base")
    os.makedirs(base)
    with open(os.path.join(base, "bundlekd.toml"), "w") as f:
        f.write('database = "bench.sqlite"\n[local]\nport = 18123\n[local_teacher]\nport = 18124\n')
    started = time.perf_counter()
    subprocess.run([BIN, "extract", "--data", DATA, "--ratio", str(args.ratio)], cwd=base, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print("knowledge: the teacher's rules and thoughts for a %g sample, %.0f s (once, shared by every run)"
          % (args.ratio, time.perf_counter() - started))

    results = {b: [] for b in builds}
    for round_ in range(args.rounds):
        for index, build in enumerate(builds):
            results[build].append(grid(build, base, os.path.join(work, "run-%d-%d" % (round_, index)),
                                       args.sessions, args.ratio))
    print("\ngrid: formats %s, %d DICL test sessions, student answers not cached (%d round%s)"
          % (FORMATS, args.sessions, args.rounds, "" if args.rounds == 1 else "s"))
    print("%-10s %9s %7s %13s %11s %12s %10s %11s %9s" % (
        "build", "wall s", "calls", "prompt sent", "evaluated", "completion", "bound s", "wall/bound", "target"))
    walls = {}
    for build in builds:
        runs = results[build]
        r = runs[-1]
        wall = statistics.median(x["wall"] for x in runs)
        walls[build] = wall
        name = "this" if build == BIN else "reference"
        if r["cached"] is None:  # a build from before the call log recorded the KV cache
            print("%-10s %9.1f %7d %13d %11s %12d %10s %11s" % (
                name, wall, r["calls"], r["prompt"], "unknown", r["completion"], "-", "-"))
            continue
        evaluated = r["prompt"] - r["cached"]
        bound = evaluated / prompt_rate + r["completion"] / decode_rate
        print("%-10s %9.1f %7d %13d %11d %12d %10.1f %11.2f %9s" % (
            name, wall, r["calls"], r["prompt"], evaluated, r["completion"], bound, wall / bound, "≤ 1.15"))
    for build in builds:
        for row in results[build][-1]["rows"]:
            print("  %s %s" % ("this     " if build == BIN else "reference", row))
    if args.reference:
        print("\nspeed-up this / reference: %.2f× (target ≥ 1.5×)" % (walls[builds[1]] / walls[BIN]))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
