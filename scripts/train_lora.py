#!/usr/bin/env python3
"""LoRA fine-tuning of the student with the loss on the assistant's answer only (PEFT, a plain
PyTorch loop), for `bundlekd sft train`. Runs unchanged on CPU or CUDA.

Why a plain loop and not TRL's SFTTrainer: the mask is one line we can test (labels = -100 for
every prompt token, computed from the chat template's prefix), the progress goes out as JSON
lines the workbench parses, and there is no dependency on TRL's changing argument names.

Input: the OpenAI chat JSONL the project exports (user = the session's prompt with the knowledge,
assistant = the answer; for thoughts, the rationale and the bundles — both are the answer, so both
carry the loss). The base model is read from its GGUF once, dequantised and saved as a plain HF
folder in --hf-cache (transformers refuses to train a GGUF-quantised model), and trained from there.

Output: the PEFT adapter in --output/adapter, and one JSON object per line on stdout:
  {"event":"start", "rows", "tokens", "answer_tokens", "steps", "device", "precision", "threads"}
  {"event":"step", "epoch", "step", "steps", "loss", "tokens_per_s", "answer_tokens_per_s", "eta_s"}
  {"event":"epoch", "epoch", "loss"}
  {"event":"done", "adapter", "wall_s", "peak_rss_bytes", "losses"}
Usage: train_lora.py --data openai.jsonl --base-gguf MODEL.gguf --hf-cache DIR --output DIR
       [--epochs 2] [--lr 3e-4] [--rank 16] [--alpha 32] [--batch 2] [--targets q_proj,...]
       [--max-steps N] [--threads N] [--masks-only]
"""
import argparse, json, os, resource, sys, time


def emit(**fields):
    print(json.dumps(fields), flush=True)


def load_rows(path):
    rows = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            messages = json.loads(line)["messages"]
            prompt = [m for m in messages if m["role"] != "assistant"]
            answer = [m for m in messages if m["role"] == "assistant"]
            if not answer:
                sys.exit("%s:%d: no assistant message" % (path, number))
            rows.append((prompt, answer[-1]["content"]))
    if not rows:
        sys.exit("%s: no rows" % path)
    return rows


def encode(tokenizer, prompt, answer):
    """Token ids of the whole conversation and labels with every prompt token masked (-100).
    The ChatML template is prefix-stable: the prompt with the generation prompt is a prefix of
    prompt + answer, so the answer (and its end-of-turn token) is exactly what follows."""
    head = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=True)
    whole = tokenizer.apply_chat_template(prompt + [{"role": "assistant", "content": answer}], tokenize=True)
    if hasattr(head, "input_ids"):
        head, whole = head["input_ids"], whole["input_ids"]
    head, whole = list(head), list(whole)
    if whole[:len(head)] != head:
        sys.exit("the chat template is not prefix-stable; the answer-only mask would be wrong")
    # Drop what the template adds after the end-of-turn token (a newline), which carries no meaning.
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    if end in whole[len(head):]:
        whole = whole[:len(head) + whole[len(head):].index(end) + 1]
    return whole, [-100] * len(head) + whole[len(head):]


def fast_bf16(device):
    """Whether bf16 arithmetic is native here: CUDA, or a CPU flagging avx512_bf16 or amx_bf16."""
    if device == "cuda":
        return True
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def hf_base(gguf_path, cache):
    """The GGUF dequantised into a plain HF folder, saved once."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    folder = os.path.join(cache, os.path.basename(gguf_path).rsplit(".gguf", 1)[0])
    if not os.path.exists(os.path.join(folder, "config.json")):
        directory, name = os.path.dirname(os.path.abspath(gguf_path)), os.path.basename(gguf_path)
        model = AutoModelForCausalLM.from_pretrained(directory, gguf_file=name, torch_dtype=torch.float32)
        tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=name)
        # The weights are already plain float linears; only the GGUF marker forbids saving them.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.is_quantized = False
        partial = folder + ".part"
        model.save_pretrained(partial)
        tokenizer.save_pretrained(partial)
        os.rename(partial, folder)
    return folder


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--base-gguf", required=True)
    p.add_argument("--hf-cache", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--rank", type=int, default=16)
    p.add_argument("--alpha", type=int, default=32)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--targets", default="q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj")
    p.add_argument("--max-steps", type=int, default=0, help="stop after this many steps (tests)")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto",
                   help="auto: bf16 autocast on CUDA or a CPU with native bf16 (AVX-512 BF16, AMX), else fp32")
    p.add_argument("--masks-only", action="store_true", help="print each row's ids and labels and stop")
    args = p.parse_args()

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rows = load_rows(args.data)
    base = hf_base(args.base_gguf, args.hf_cache)
    tokenizer = AutoTokenizer.from_pretrained(base)
    encoded = [encode(tokenizer, prompt, answer) for prompt, answer in rows]
    if args.masks_only:
        for ids, labels in encoded:
            emit(event="mask", ids=ids, labels=labels)
        return
    from peft import LoraConfig, get_peft_model
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = AutoModelForCausalLM.from_pretrained(base, torch_dtype=torch.float32).to(device)
    model = get_peft_model(model, LoraConfig(
        r=args.rank, lora_alpha=args.alpha, lora_dropout=0.05, target_modules=args.targets.split(","),
        task_type="CAUSAL_LM"))
    optimizer = torch.optim.AdamW([q for q in model.parameters() if q.requires_grad], lr=args.lr)
    batches_per_epoch = (len(encoded) + args.batch - 1) // args.batch
    steps = batches_per_epoch * args.epochs if not args.max_steps else min(args.max_steps, batches_per_epoch * args.epochs)
    tokens = sum(len(ids) for ids, _ in encoded)
    answer_tokens = sum(sum(1 for label in labels if label != -100) for _, labels in encoded)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    precision = args.precision if args.precision != "auto" else ("bf16" if fast_bf16(device) else "fp32")
    # bf16 autocast is the faster setting on CPUs with AVX-512 BF16 (measured: 103 vs 79 tokens/s);
    # on a CPU without it (AVX2 only) bf16 is emulated and a 4-row step took minutes, so fp32 there.
    autocast = torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=precision == "bf16")
    emit(event="start", rows=len(encoded), tokens=tokens, answer_tokens=answer_tokens, steps=steps, device=device,
         precision=precision, threads=torch.get_num_threads())
    generator = torch.Generator().manual_seed(args.seed)
    started, step, seen, seen_answer, losses = time.time(), 0, 0, 0, []
    model.train()
    for epoch in range(args.epochs):
        order = torch.randperm(len(encoded), generator=generator).tolist()
        total, count = 0.0, 0
        for start in range(0, len(order), args.batch):
            if args.max_steps and step >= args.max_steps:
                break
            batch = [encoded[i] for i in order[start:start + args.batch]]
            width = max(len(ids) for ids, _ in batch)
            ids = torch.tensor([x + [pad] * (width - len(x)) for x, _ in batch], device=device)
            labels = torch.tensor([y + [-100] * (width - len(y)) for _, y in batch], device=device)
            mask = torch.tensor([[1] * len(x) + [0] * (width - len(x)) for x, _ in batch], device=device)
            with autocast:
                loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            step += 1
            seen += sum(len(x) for x, _ in batch)
            seen_answer += sum(sum(1 for label in y if label != -100) for _, y in batch)
            total, count = total + loss.item(), count + 1
            elapsed = time.time() - started
            emit(event="step", epoch=epoch + 1, epochs=args.epochs, step=step, steps=steps, loss=loss.item(),
                 tokens_per_s=seen / elapsed, answer_tokens_per_s=seen_answer / elapsed,
                 eta_s=elapsed / step * (steps - step))
        if count:
            losses.append(total / count)
            emit(event="epoch", epoch=epoch + 1, loss=losses[-1])
    adapter = os.path.join(args.output, "adapter")
    model.save_pretrained(adapter)
    emit(event="done", adapter=adapter, base=base, wall_s=time.time() - started, losses=losses,
         peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


if __name__ == "__main__":
    main()
