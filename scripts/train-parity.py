# Parity with PyTorch, step 2 of 2 (outside CI): reads the model, batch, loss and gradients that
# scripts/train-parity.ts wrote, recomputes loss and gradients with a plain PyTorch Llama (HF
# layout: rotate-half RoPE) in float64, and checks Wren's agree to 1e-4. Exit status 1 if not.
#   /usr/bin/python3 scripts/train-parity.py OUT
import json, struct, sys
import numpy as np
import torch
import torch.nn.functional as F

def read_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, t in header.items():
        if name == '__metadata__': continue
        a, b = t['data_offsets']
        out[name] = torch.from_numpy(np.frombuffer(raw[8 + n + a:8 + n + b], dtype=np.float32).reshape(t['shape']).copy()).double()
    return out

d = sys.argv[1] if len(sys.argv) > 1 else 'parity-out'
cfg = json.load(open(f'{d}/config.json'))
batch = json.load(open(f'{d}/batch.json'))
W = {k: v.requires_grad_() for k, v in read_safetensors(f'{d}/model.safetensors').items()}
G = read_safetensors(f'{d}/grads.safetensors')
B, T = batch['B'], batch['T']
tok = torch.tensor(batch['tokens']).view(B, T + 1)
ids, targets = tok[:, :-1], tok[:, 1:]
C, H, Hkv = cfg['hidden_size'], cfg['num_attention_heads'], cfg['num_key_value_heads']
D, eps, theta = C // H, cfg['rms_norm_eps'], cfg['rope_theta']

def rms(x, w): return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w
inv = 1.0 / theta ** (torch.arange(0, D, 2, dtype=torch.float64) / D)
ang = torch.outer(torch.arange(T, dtype=torch.float64), inv)
cos, sin = torch.cat([ang.cos()] * 2, -1), torch.cat([ang.sin()] * 2, -1)
def rope(x):  # (B, heads, T, D), HF rotate-half
    x1, x2 = x[..., :D // 2], x[..., D // 2:]
    return x * cos + torch.cat([-x2, x1], -1) * sin

x = W['model.embed_tokens.weight'][ids]
mask = torch.full((T, T), float('-inf'), dtype=torch.float64).triu(1)
for l in range(cfg['num_hidden_layers']):
    p = lambda s: W[f'model.layers.{l}.{s}.weight']
    h = rms(x, p('input_layernorm'))
    q = rope((h @ p('self_attn.q_proj').T).view(B, T, H, D).transpose(1, 2))
    k = rope((h @ p('self_attn.k_proj').T).view(B, T, Hkv, D).transpose(1, 2)).repeat_interleave(H // Hkv, 1)
    v = (h @ p('self_attn.v_proj').T).view(B, T, Hkv, D).transpose(1, 2).repeat_interleave(H // Hkv, 1)
    att = torch.softmax(q @ k.transpose(-1, -2) / D ** 0.5 + mask, -1) @ v
    x = x + att.transpose(1, 2).reshape(B, T, C) @ p('self_attn.o_proj').T
    h = rms(x, p('post_attention_layernorm'))
    x = x + (F.silu(h @ p('mlp.gate_proj').T) * (h @ p('mlp.up_proj').T)) @ p('mlp.down_proj').T
head = W.get('lm_head.weight', W['model.embed_tokens.weight'])
logits = rms(x, W['model.norm.weight']) @ head.T
loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
loss.backward()
worst = abs(loss.item() - batch['loss'])
print(f"loss: torch {loss.item():.6f}, wren {batch['loss']:.6f} ({batch['backend']})")
for name, w in W.items():
    diff = (w.grad - G[name]).abs().max().item()
    worst = max(worst, diff)
    print(f'{name:48s} max |dgrad| {diff:.2e}  (max |grad| {w.grad.abs().max().item():.2e})')
print(f'worst difference {worst:.2e}:', 'OK' if worst < 1e-4 else 'FAIL')
sys.exit(0 if worst < 1e-4 else 1)
