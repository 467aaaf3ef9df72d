#!/usr/bin/env python3
"""Bits per byte of an HF model folder on held-out text, in PyTorch with transformers' own
tokenizer and model: an independent check of `wren eval --data FILE` (no Wren code here).

The protocol (docs/training.md, "Measuring on held-out text"): split the text at lines/parts
`<|endoftext|>`, trim each document, drop empty ones; a document is [BOS] + its tokens (the
tokenizer's ids without special tokens); cut into windows of the context T: window k holds
ids[kT : kT+T+1] and predicts ids[kT+1 : kT+T+1], so every token after BOS is predicted once.
Bits per byte = sum of -log2 p over predicted tokens / UTF-8 bytes of the trimmed documents.

usage: python3 scripts/bits-per-byte.py FOLDER --text FILE [--context T] [--lines N]
Prints {"bits_per_byte", "tokens", "bytes", "documents"} as JSON; without torch and transformers
it prints {"skip": reason} and exits 0.
"""
import argparse
import json
import math
import re
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--text", required=True)
    ap.add_argument("--context", type=int, default=0)
    ap.add_argument("--lines", type=int, default=0, help="only the file's first N lines")
    a = ap.parse_args()
    try:
        import torch
        import transformers
    except ImportError as e:
        print(json.dumps({"skip": f"torch and transformers are needed ({e})"}))
        return 0
    lines = open(a.text, encoding="utf-8").read().split("\n")
    if a.lines:
        lines = lines[: a.lines]
    docs = [d.strip() for d in re.split(r"<\|endoftext\|>", "\n".join(lines))]
    docs = [d for d in docs if d]
    tok = transformers.AutoTokenizer.from_pretrained(a.folder)
    model = transformers.AutoModelForCausalLM.from_pretrained(a.folder, torch_dtype=torch.float32).eval()
    bos = model.config.bos_token_id
    T = a.context or model.config.max_position_embeddings
    nats, tokens = 0.0, 0
    with torch.no_grad():
        for d in docs:
            ids = [bos] + tok(d, add_special_tokens=False).input_ids
            for at in range(0, len(ids) - 1, T):
                w = torch.tensor([ids[at: at + T + 1]])
                logp = torch.log_softmax(model(w[:, :-1]).logits.double(), -1)
                nats -= logp[0].gather(-1, w[0, 1:, None]).sum().item()
                tokens += w.shape[1] - 1
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    print(json.dumps({"bits_per_byte": nats / math.log(2) / nbytes, "tokens": tokens, "bytes": nbytes, "documents": len(docs),
                      "reader": f"torch {torch.__version__}, transformers {transformers.__version__}"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
