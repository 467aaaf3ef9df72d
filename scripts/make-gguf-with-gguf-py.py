#!/usr/bin/env python3
"""A GGUF file Wren did not write: llama.cpp's own Python package (gguf-py, `pip install gguf`)
converts a llama2.c checkpoint and tokenizer.bin, as llama.cpp's convert-llama2c-to-ggml does.

node-llama-cpp ships llama.cpp's runtime only (no converter), so this is how the independent
GGUF of the import test is made: numpy reads llama2.c's files (run.c's layout; nothing from Wren),
gguf.GGUFWriter writes the metadata and tensors, gguf.quants quantizes (Q8_0, Q4_0) with ggml's
reference quantizers. Meta's interleaved rotary rows are what llama.cpp's llama architecture
wants, so the matrices go in as they are; norms stay F32 and rows that are not whole 32-value
blocks go in F16, as llama.cpp's quantizer does.

usage: python3 scripts/make-gguf-with-gguf-py.py MODEL.bin TOKENIZER.bin OUT.gguf [--type f32|q8_0|q4_0]
Without numpy and gguf it prints a skip message as JSON and exits 0.
"""
import argparse
import json
import struct
import sys


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("tokenizer")
    ap.add_argument("out")
    ap.add_argument("--type", default="f32", choices=["f32", "q8_0", "q4_0"])
    a = ap.parse_args()
    try:
        import numpy as np
        import gguf
    except ImportError as e:
        print(json.dumps({"skip": f"numpy and gguf (llama.cpp's gguf-py) are needed ({e})"}))
        return 0

    raw = open(a.model, "rb").read()
    dim, hidden, layers, heads, kv_heads, vocab, seq_len = struct.unpack("<7i", raw[:28])
    shared = vocab > 0  # llama2.c: a negative vocab_size says the classifier is a separate matrix
    vocab = abs(vocab)
    f = np.frombuffer(raw, dtype="<f4", offset=28)
    head_size, at = dim // heads, 0

    def take(*shape):
        nonlocal at
        n = int(np.prod(shape))
        t = f[at:at + n].reshape(shape)
        at += n
        return t

    kv = kv_heads * head_size
    emb, att_norm = take(vocab, dim), take(layers, dim)
    wq, wk, wv, wo = take(layers, dim, dim), take(layers, kv, dim), take(layers, kv, dim), take(layers, dim, dim)
    ffn_norm = take(layers, dim)
    w1, w2, w3 = take(layers, hidden, dim), take(layers, dim, hidden), take(layers, hidden, dim)
    out_norm = take(dim)
    take(seq_len, head_size // 2), take(seq_len, head_size // 2)  # freq_cis_real / imag: unused
    wcls = emb if shared else take(vocab, dim)

    # tokenizer.bin: i32 max_token_length, then per token f32 score, i32 length, bytes
    tb = open(a.tokenizer, "rb").read()
    pos, tokens, scores = 4, [], []
    for _ in range(vocab):
        score, n = struct.unpack("<fi", tb[pos:pos + 8])
        tokens.append(tb[pos + 8:pos + 8 + n].decode("utf-8"))
        scores.append(score)
        pos += 8 + n
    types = []
    for i, t in enumerate(tokens):
        if i == 0:
            tokens[i], ty = "<unk>", gguf.TokenType.UNKNOWN
        elif i in (1, 2):
            tokens[i], ty = ("<s>", "</s>")[i - 1], gguf.TokenType.CONTROL
        elif 3 <= i < 259:
            ty = gguf.TokenType.BYTE
        else:
            tokens[i], ty = t.replace(" ", "\u2581"), gguf.TokenType.NORMAL
        types.append(ty)

    qtype = {"f32": gguf.GGMLQuantizationType.F32, "q8_0": gguf.GGMLQuantizationType.Q8_0, "q4_0": gguf.GGMLQuantizationType.Q4_0}[a.type]
    w = gguf.GGUFWriter(a.out, "llama")
    w.add_name("stories260K (gguf-py)")
    w.add_file_type({"f32": 0, "q8_0": 7, "q4_0": 2}[a.type])
    w.add_context_length(seq_len)
    w.add_embedding_length(dim)
    w.add_feed_forward_length(hidden)
    w.add_block_count(layers)
    w.add_head_count(heads)
    w.add_head_count_kv(kv_heads)
    w.add_rope_dimension_count(head_size)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    w.add_unk_token_id(0)
    if a.type != "f32":
        w.add_quantization_version(gguf.GGML_QUANT_VERSION)

    def put(name, t):
        t = np.ascontiguousarray(t, dtype=np.float32)
        if t.ndim == 1 or qtype == gguf.GGMLQuantizationType.F32:
            w.add_tensor(name, t)
        elif t.shape[-1] % 32:
            w.add_tensor(name, t.astype(np.float16))
        else:
            w.add_tensor(name, gguf.quants.quantize(t, qtype), raw_dtype=qtype)  # uint8 (rows, bytes): gguf-py derives the shape

    put("token_embd.weight", emb)
    for l in range(layers):
        for name, t in [("attn_norm", att_norm[l]), ("attn_q", wq[l]), ("attn_k", wk[l]), ("attn_v", wv[l]), ("attn_output", wo[l]),
                        ("ffn_norm", ffn_norm[l]), ("ffn_gate", w1[l]), ("ffn_down", w2[l]), ("ffn_up", w3[l])]:
            put(f"blk.{l}.{name}.weight", t)
    put("output_norm.weight", out_norm)
    if not shared:
        put("output.weight", wcls)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(json.dumps({"wrote": a.out, "type": a.type, "writer": f"gguf-py {getattr(gguf, '__version__', '')}".strip()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
