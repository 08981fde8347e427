#!/usr/bin/env python3
"""Side-by-side LLM client benchmark against the local llama.cpp server.

In one run: starts the local server (scripts/llm-server.sh, 4 parallel slots), builds bundlekd in
release mode, then alternately sends the same batch of short chat requests (a) through the
workbench client (`bundlekd llm bench --no-cache`, concurrency = the server's 4 slots) and (b) with
a reference load generator: 4 parallel `curl` processes. Prints achieved completion tokens per
second for both and their ratio, then re-runs the batch through the workbench with the cache on and
prints its wall time and the number of HTTP requests it made (should be 0).

Usage: scripts/bench_llm.py [--requests 16] [--max-tokens 48] [--rounds 2]
"""
import argparse, json, os, re, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release", "bundlekd")
PORT = os.environ.get("LLM_PORT", "18090")


def prompt(i):   # the same text as LLMBench.prompt (Sources/Pipeline/LLM/LLMBench.swift)
    return "Write one short sentence about product number %d." % i


def reference(url, n, max_tokens, seed):
    def one(i):
        body = json.dumps({"model": "local", "messages": [{"role": "user", "content": prompt(i)}],
                           "temperature": 0, "max_tokens": max_tokens, "seed": seed, "stream": False})
        out = subprocess.run(["curl", "-s", "-H", "Content-Type: application/json", "-d", body, url + "/chat/completions"],
                             capture_output=True, text=True, check=True).stdout
        return json.loads(out)["usage"]["completion_tokens"]
    start = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        tokens = sum(pool.map(one, range(n)))
    wall = time.perf_counter() - start
    return tokens, wall


def ours(config, database, n, max_tokens, cached):
    cmd = [BIN, "llm", "bench", "--config", config, "--database", database, "--requests", str(n), "--max-tokens", str(max_tokens)]
    if not cached:
        cmd.append("--no-cache")
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    m = re.search(r"completion_tokens=(\d+) wall=([\d.]+) tokens_per_s=([\d.]+) cache_hits=(\d+) http_requests=(\d+)", out)
    return int(m.group(1)), float(m.group(2)), int(m.group(4)), int(m.group(5))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=16)
    parser.add_argument("--max-tokens", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = dict(os.environ, LLM_PORT=PORT)
    subprocess.run([os.path.join(ROOT, "scripts", "setup-llm.sh")], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([os.path.join(ROOT, "scripts", "build-release.sh")], cwd=ROOT, check=True, capture_output=True)
    url = subprocess.run([os.path.join(ROOT, "scripts", "llm-server.sh"), "start"], check=True, env=env,
                         capture_output=True, text=True).stdout.strip().split("=", 1)[1]
    try:
        work = tempfile.mkdtemp(prefix="bundlekd-bench-")
        config = os.path.join(work, "bundlekd.toml")
        with open(config, "w") as f:
            f.write("[local]\nport = %s\n[student]\nmax_concurrency = 4\nseed = 42\n" % PORT)
        database = os.path.join(work, "bench.sqlite")
        reference(url, 4, 8, 42)   # warm-up, untimed
        print("%d requests, max %d tokens, 4 parallel slots, SmolLM2-135M-Instruct on llama-server" % (args.requests, args.max_tokens))
        rows = []
        for r in range(args.rounds):
            t1, w1, _, _ = ours(config, database, args.requests, args.max_tokens, cached=False)
            t2, w2 = reference(url, args.requests, args.max_tokens, 42)
            rows.append((t1 / w1, t2 / w2))
            print("round %d: bundlekd %5d tokens in %6.2f s = %6.1f tok/s   curl x4 %5d tokens in %6.2f s = %6.1f tok/s   ratio %.2f"
                  % (r + 1, t1, w1, t1 / w1, t2, w2, t2 / w2, (t1 / w1) / (t2 / w2)))
        ours_best = max(a for a, _ in rows)
        ref_best = max(b for _, b in rows)
        print("best of %d: bundlekd %.1f tok/s, reference %.1f tok/s, ratio %.2f" % (args.rounds, ours_best, ref_best, ours_best / ref_best))
        tokens, wall, hits, http = ours(config, database, args.requests, args.max_tokens, cached=True)
        print("cached re-run: %d requests in %.1f ms, %d cache hits, %d HTTP requests" % (args.requests, wall * 1000, hits, http))
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "llm-server.sh"), "stop"], env=env)


if __name__ == "__main__":
    main()
