# BundleKD Workbench. `make run` opens the workbench on the demo dataset; `make test` runs every
# test. Both install missing Debian packages first (scripts/install-deps.sh is idempotent).
SWIFT ?= swift
BIN := .build/debug/bundlekd

.PHONY: run demo test test-fast deps build unit-tests e2e llm-fallback demo-data clean bench-mining llm bench-llm bench-tui sft bench-threads bench-servers lora bench-sft bench-grid figures

# The local model is installed too (cached in ~/.cache/bundlekd/llm; seconds after the first time),
# so the teacher and student work from the first key press.
run: deps build llm
	$(BIN) $(ARGS)

demo: deps build llm
	$(BIN) demo $(ARGS)

test: deps build llm lora llm-fallback figures unit-tests e2e

# The quick loop: every unit test that needs no model server and no terminal (those skip, naming
# why), no end-to-end suite. About a minute on the 2-core machine.
test-fast: deps build
	env -u LLM_BASE_URL $(SWIFT) test

deps:
	@scripts/install-deps.sh

build:
	$(SWIFT) build

# The unit tests include real calls to the local model server, which this starts and stops.
unit-tests:
	scripts/unit-tests.sh

# Installs the local model server, the student (SmolLM2-135M) and the teacher (Qwen2.5-Coder-1.5B,
# 1.1 GB, about 40 s to fetch) into ~/.cache/bundlekd/llm (slow once, then seconds).
llm:
	scripts/setup-llm.sh
	scripts/setup-teacher.sh

# llama-cpp-python's server, the second real server kind the end-to-end tests run against (once,
# cached in ~/.cache/bundlekd/llm like the first).
llm-fallback:
	LLM_BACKEND=llama-cpp-python scripts/setup-llm.sh

# The LoRA trainer of `bundlekd sft train`: PyTorch (CPU), transformers and PEFT in a venv, and
# llama.cpp's adapter converter, in ~/.cache/bundlekd/sft (about 1.5 GB once, then a second).
lora: llm
	scripts/setup-lora.sh

# matplotlib for `bundlekd report --figure` in ~/.cache/bundlekd/figures (about 40 MB once, then a second).
figures:
	scripts/setup-figures.sh

# llama.cpp's whole-model CPU trainer (llama-finetune), built only for the comparison in bench-sft
# (minutes once, then a second).
sft: llm
	scripts/setup-sft.sh

e2e:
	BIN=$(BIN) scripts/e2e_tui.sh

# Regenerates sessions/demo.jsonl from scripts/make_demo_dataset.py (deterministic).
demo-data:
	python3 scripts/make_demo_dataset.py sessions/demo.jsonl

clean:
	rm -rf .build

# Side-by-side mining benchmark against pyfim (installs pyfim into ~/.cache/bundlekd/bench-venv).
bench-mining: deps
	python3 scripts/bench_mining.py

# Client throughput against parallel curl on the local server, and the fully cached re-run.
bench-llm: deps llm
	python3 scripts/bench_llm.py

# Workbench responsiveness on the full real data (first frame, key → frame, idle CPU), release build.
bench-tui: deps llm
	SWIFT=$(SWIFT) scripts/build-release.sh
	python3 scripts/bench_tui.py

# llama-server generation with -t 1 / -t N and the default / PASSIVE OpenMP wait policy: alone,
# beside a second server and beside a CPU hog (the ratios behind the thread defaults).
bench-threads: deps llm
	python3 scripts/bench_threads.py

# The teacher's and the student's local servers alone and side by side (tokens/s and ratios).
bench-servers: deps llm
	python3 scripts/bench_servers.py

# The LoRA trainer against llama-finetune on the same rows, back to back: tokens/s, answer tokens/s,
# wall time and peak memory side by side, with the ratio.
bench-sft: deps build llm lora sft
	python3 scripts/bench_sft.py

# Grid throughput against the student server's own capacity (prompt and decode tokens/s), the
# KV-cache share of the prompt tokens, and with REF=path/to/older/bundlekd the old-vs-new speed-up.
bench-grid: deps llm
	python3 scripts/bench_grid.py $(if $(REF),--reference $(REF))
