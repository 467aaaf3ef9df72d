#!/usr/bin/env python3
"""An independent reader of an HF folder Wren wrote: PyTorch + safetensors, no Wren code.

Reads config.json, generation_config.json and model.safetensors, runs a Llama forward written
here from the HF layout (rotate-half rotary embedding, as transformers' LlamaForCausalLM does it)
and prints the greedy continuation of the given prompt ids as JSON: {"ids": [...], "reader": ...}.
When transformers is installed, AutoModelForCausalLM loads the folder too and must pick the same
ids; when sentencepiece or tokenizers is installed, the folder's tokenizer decodes them ("text").

With --text, AutoTokenizer's ids for it ("tokenizer_ids", no special tokens) and, for a folder with
a chat template, the ids of a one-turn chat rendered by apply_chat_template ("chat_ids").

usage: python3 scripts/check-hf-folder.py FOLDER [--prompt-ids 1,403,407] [--max-tokens 32] [--text TEXT]
Without torch and safetensors it prints a skip message and exits 0 (code 0, "skip" in the JSON).
"""
import argparse
import json
import os
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--prompt-ids", default="")
    ap.add_argument("--max-tokens", type=int, default=32)
    ap.add_argument("--text", default="")
    a = ap.parse_args()
    try:
        import torch
        from safetensors.torch import load_file
    except ImportError as e:
        print(json.dumps({"skip": f"torch and safetensors are needed ({e})"}))
        return 0

    cfg = json.load(open(os.path.join(a.folder, "config.json")))
    gen = json.load(open(os.path.join(a.folder, "generation_config.json")))
    w = load_file(os.path.join(a.folder, "model.safetensors"))
    C, L, H = cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"]
    Hkv = cfg.get("num_key_value_heads", H)
    D, eps, theta = C // H, cfg["rms_norm_eps"], cfg.get("rope_theta", 10000.0)
    head = w["lm_head.weight"] if "lm_head.weight" in w else w["model.embed_tokens.weight"]
    stop = gen.get("eos_token_id")
    stop = set(stop if isinstance(stop, list) else [stop]) | {gen.get("bos_token_id")}

    def rms(x, g):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g

    def rope(x, T):  # x (H, T, D), HF's rotate-half pairing (i, i + D/2)
        inv = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.float64) / D))
        ang = torch.arange(T, dtype=torch.float64)[:, None] * inv[None, :]
        cos, sin = torch.cat([ang.cos()] * 2, -1).float(), torch.cat([ang.sin()] * 2, -1).float()
        x1, x2 = x[..., : D // 2], x[..., D // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    def forward(ids):  # logits (T, V) of the whole sequence: no cache, obviously right
        T = len(ids)
        x = w["model.embed_tokens.weight"][torch.tensor(ids)]
        mask = torch.full((T, T), float("-inf")).triu(1)
        for l in range(L):
            p = f"model.layers.{l}."
            h = rms(x, w[p + "input_layernorm.weight"])
            q = (h @ w[p + "self_attn.q_proj.weight"].T).view(T, H, D).transpose(0, 1)
            k = (h @ w[p + "self_attn.k_proj.weight"].T).view(T, Hkv, D).transpose(0, 1)
            v = (h @ w[p + "self_attn.v_proj.weight"].T).view(T, Hkv, D).transpose(0, 1)
            q, k = rope(q, T), rope(k, T)
            k, v = k.repeat_interleave(H // Hkv, 0), v.repeat_interleave(H // Hkv, 0)
            att = torch.softmax(q @ k.transpose(1, 2) / D ** 0.5 + mask, -1) @ v
            x = x + att.transpose(0, 1).reshape(T, C) @ w[p + "self_attn.o_proj.weight"].T
            h = rms(x, w[p + "post_attention_layernorm.weight"])
            gate, up = h @ w[p + "mlp.gate_proj.weight"].T, h @ w[p + "mlp.up_proj.weight"].T
            x = x + (torch.nn.functional.silu(gate) * up) @ w[p + "mlp.down_proj.weight"].T
        return rms(x, w["model.norm.weight"]) @ head.T

    prompt = [int(t) for t in a.prompt_ids.split(",") if t] or [gen["bos_token_id"]]
    ids = list(prompt)
    with torch.no_grad():
        for _ in range(a.max_tokens):
            nxt = int(forward(ids)[-1].argmax())
            if nxt in stop:
                break
            ids.append(nxt)
    out = {"reader": f"torch {torch.__version__}", "ids": ids[len(prompt):]}

    try:
        import transformers  # the real loader, where installed
        m = transformers.AutoModelForCausalLM.from_pretrained(a.folder)  # config.json says float32
        g = m.generate(torch.tensor([prompt]), max_new_tokens=a.max_tokens, do_sample=False)
        tf_ids = g[0, len(prompt):].tolist()
        out["transformers"] = tf_ids[: len(out["ids"])] == out["ids"]
        out["transformers_version"] = transformers.__version__
        if a.text:
            tok = transformers.AutoTokenizer.from_pretrained(a.folder)
            out["tokenizer_ids"] = tok(a.text, add_special_tokens=False).input_ids
            if tok.chat_template:
                chat = tok.apply_chat_template([{"role": "user", "content": a.text}], tokenize=False, add_generation_prompt=True)
                out["chat_ids"] = tok(chat, add_special_tokens=False).input_ids
    except ImportError:
        out["transformers"] = "not installed"
    except Exception as e:  # a folder transformers cannot load is a failure, said plainly
        print(json.dumps({**out, "transformers": f"failed: {type(e).__name__}: {e}"}))
        return 1

    spm, tj = os.path.join(a.folder, "tokenizer.model"), os.path.join(a.folder, "tokenizer.json")
    try:
        if os.path.exists(spm):
            import sentencepiece
            out["text"] = sentencepiece.SentencePieceProcessor(model_file=spm).decode(out["ids"])
        elif os.path.exists(tj):
            import tokenizers
            out["text"] = tokenizers.Tokenizer.from_file(tj).decode(out["ids"])
    except ImportError:
        pass
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
