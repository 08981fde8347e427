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
4. The same grid with this build and the student served by --servers one-thread replicas
   ([local] servers): its bound uses the replicas' capacity measured side by side, and the
   scaling this ×N / this is printed.
The teacher's extraction calls of step 2 are reported too: prompt tokens sent and taken from the
KV cache (the reflection turn starts with the proposal conversation).

Usage: scripts/bench_grid.py [--sessions 40] [--ratio 0.01] [--rounds 1] [--servers 2] [--reference OTHER_BUILD]
"""
import argparse, json, os, shutil, sqlite3, statistics, subprocess, sys, tempfile, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "bundlekd")
DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "dicl-electronic"))
PORT = 18120  # the capacity servers (and 18121); the grid's own embedded servers use the ports in config()


def config(servers):
    """The grid's bundlekd.toml; `servers` only when above 1 (older builds refuse the key)."""
    replicas = "servers = %d\n" % servers if servers > 1 else ""
    return 'database = "bench.sqlite"\n[local]\nport = 18123\n%s[local_teacher]\nport = 18127\n' % replicas

FORMATS = "none,patterns,rules,thoughts"


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)


def capacity(slots, servers):
    """(prompt tokens/s, aggregate decode tokens/s) of `servers` llama-servers like the grid's student,
    each loaded at once the way the grid loads them."""
    ports = [PORT + i for i in range(servers)]
    envs = [dict(os.environ, LLM_PORT=str(port)) for port in ports]
    for env in envs:
        subprocess.run([os.path.join(ROOT, "scripts", "llm-server.sh"), "start"], check=True, env=env,
                       stdout=subprocess.DEVNULL)
    try:
        urls = ["http://127.0.0.1:%d" % port for port in ports]
        words = " ".join("item%d" % i for i in range(350))  # about 1,400 tokens (a slot holds 2,048)
        rates = []
        with ThreadPoolExecutor(servers * slots) as pool:
            for round_ in range(3):
                def prompt(url):
                    return post(url + "/completion", {"prompt": "%d %s %s" % (round_, url, words), "n_predict": 1,
                                                      "cache_prompt": False})
                started = time.perf_counter()
                answers = list(pool.map(prompt, urls))
                rates.append(sum(a["timings"]["prompt_n"] for a in answers) / (time.perf_counter() - started))
            predict = 96

            def one(i):
                return post(urls[i % servers] + "/completion", {
                    "prompt": "Count slowly %d:" % i, "n_predict": predict, "ignore_eos": True, "cache_prompt": False,
                    "temperature": 0})
            started = time.perf_counter()
            answers = list(pool.map(one, range(servers * slots)))
            wall = time.perf_counter() - started
        decoded = sum(a["timings"]["predicted_n"] for a in answers)
        return statistics.median(rates), decoded / wall
    finally:
        for env in envs:
            subprocess.run([os.path.join(ROOT, "scripts", "llm-server.sh"), "stop"], env=env)


def grid(build, base, folder, sessions, ratio, servers):
    """One grid run of `build` on a copy of the knowledge workspace; returns its measurements."""
    os.makedirs(folder)
    for name in ("bundlekd.toml", "bench.sqlite"):
        shutil.copy(os.path.join(base, name), folder)
    if servers > 1:  # only this build knows [local] servers
        with open(os.path.join(folder, "bundlekd.toml"), "w") as f:
            f.write(config(servers))
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
    ap.add_argument("--servers", type=int, default=2,
                    help="also run this build with the student served by this many one-thread replicas")
    ap.add_argument("--reference", help="another build to run the same grid with, alternately")
    ap.add_argument("--knowledge", help="a folder from an earlier run's step 2 (bundlekd.toml and bench.sqlite, "
                    "extracted with config(1)) to start from instead of extracting again")
    args = ap.parse_args()
    if not os.path.isdir(DATA):
        sys.exit("bench_grid: %s not found (the real data lives in ../shared/data)" % DATA)
    subprocess.run([os.path.join(ROOT, "scripts", "build-release.sh")], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    # (build, student servers, label)
    runs = [(BIN, 1, "this")]
    if args.servers > 1:
        runs.append((BIN, args.servers, "this ×%d" % args.servers))
    if args.reference:
        runs.append((os.path.abspath(args.reference), 1, "reference"))

    slots, threads = 4, max(1, (os.cpu_count() or 2) // 2)
    rates = {}
    for servers in sorted({servers for _, servers, _ in runs}):
        rates[servers] = capacity(slots, servers)
        print("capacity of %d student server(s) (llama-server, %d slots, -t %d each, loaded at once): prompt %.0f "
              "tokens/s, decode %.1f tokens/s aggregate" % (servers, slots, threads, *rates[servers]), flush=True)

    work = tempfile.mkdtemp(prefix="bench-grid-")
    base = os.path.abspath(args.knowledge) if args.knowledge else os.path.join(work, "base")
    started = time.perf_counter()
    if not args.knowledge:
        os.makedirs(base)
        with open(os.path.join(base, "bundlekd.toml"), "w") as f:
            f.write(config(1))
        subprocess.run([BIN, "extract", "--data", DATA, "--ratio", str(args.ratio)], cwd=base, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(base, "bench.sqlite"))
    calls, sent, cached, completion = db.execute(
        "select count(*), sum(promptTokens), sum(coalesce(cachedPromptTokens, 0)), sum(completionTokens) from llmCall "
        "where role = 'teacher' and cacheHit = 0 and error is null").fetchone()
    db.close()
    print("knowledge: the teacher's rules and thoughts for a %g sample%s (once, shared by every run): "
          "%d calls, prompt %d tokens sent, %d from the KV cache (%.0f%%), %d evaluated; %d completion tokens"
          % (args.ratio, " from " + base if args.knowledge else ", %.0f s" % (time.perf_counter() - started),
             calls, sent, cached, 100.0 * cached / max(1, sent), sent - cached, completion), flush=True)

    results = {label: [] for _, _, label in runs}
    for round_ in range(args.rounds):
        for index, (build, servers, label) in enumerate(runs):
            results[label].append(grid(build, base, os.path.join(work, "run-%d-%d" % (round_, index)),
                                       args.sessions, args.ratio, servers))
            print("  %s: %.1f s" % (label, results[label][-1]["wall"]), flush=True)
    print("\ngrid: formats %s, %d DICL test sessions, student answers not cached (%d round%s)"
          % (FORMATS, args.sessions, args.rounds, "" if args.rounds == 1 else "s"))
    print("%-10s %9s %7s %13s %11s %12s %10s %11s %9s" % (
        "build", "wall s", "calls", "prompt sent", "evaluated", "completion", "bound s", "wall/bound", "target"))
    walls = {}
    for build, servers, label in runs:
        r = results[label][-1]
        wall = statistics.median(x["wall"] for x in results[label])
        walls[label] = wall
        if r["cached"] is None:  # a build from before the call log recorded the KV cache
            print("%-10s %9.1f %7d %13d %11s %12d %10s %11s" % (
                label, wall, r["calls"], r["prompt"], "unknown", r["completion"], "-", "-"))
            continue
        prompt_rate, decode_rate = rates[servers]
        evaluated = r["prompt"] - r["cached"]
        bound = evaluated / prompt_rate + r["completion"] / decode_rate
        print("%-10s %9.1f %7d %13d %11d %12d %10.1f %11.2f %9s" % (
            label, wall, r["calls"], r["prompt"], evaluated, r["completion"], bound, wall / bound, "≤ 1.15"))
    for _, _, label in runs:
        for row in results[label][-1]["rows"]:
            print("  %-9s %s" % (label, row))
    print()
    if args.servers > 1:
        print("scaling %s / this: %.2f× with %d servers" % (runs[1][2], walls["this"] / walls[runs[1][2]], args.servers))
    if args.reference:
        for _, _, label in runs[:-1]:
            print("speed-up %s / reference: %.2f× (target ≥ 1.5×)" % (label, walls["reference"] / walls[label]))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
