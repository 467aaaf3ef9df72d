# The PyTorch CPU baseline for `wren bench train` (outside CI; Debian: apt-get install python3-torch):
# the same plain Llama-style model, shapes, batch and AdamW, float32, at 1 and 2 threads; prints
# JSON lines like bench/train.ts.   /usr/bin/python3 bench/train-pytorch.py [steps] [case|all] [threads,…]
# (`wren bench compare --python PATH` runs it one case and thread count at a time, between Wren's runs)
import json, os, platform, statistics, sys, time
import torch
import torch.nn as nn
import torch.nn.functional as F

class RMSNorm(nn.Module):
    def __init__(s, C):
        super().__init__()
        s.w = nn.Parameter(torch.ones(C))
    def forward(s, x): return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * s.w

class Llama(nn.Module):
    def __init__(s, C, Fh, L, H, Hkv, V, T):
        super().__init__()
        s.H, s.Hkv, s.D = H, Hkv, C // H
        s.emb = nn.Embedding(V, C)
        s.layers = nn.ModuleList([nn.ModuleDict(dict(
            n1=RMSNorm(C),
            q=nn.Linear(C, C, bias=False), k=nn.Linear(C, Hkv * s.D, bias=False), v=nn.Linear(C, Hkv * s.D, bias=False),
            o=nn.Linear(C, C, bias=False), n2=RMSNorm(C),
            w1=nn.Linear(C, Fh, bias=False), w2=nn.Linear(Fh, C, bias=False), w3=nn.Linear(C, Fh, bias=False))) for _ in range(L)])
        s.norm = RMSNorm(C)
        inv = 1.0 / 10000 ** (torch.arange(0, s.D, 2).float() / s.D)
        ang = torch.outer(torch.arange(T).float(), inv)
        s.register_buffer('mask', torch.full((T, T), float('-inf')).triu(1))
        s.register_buffer('cos', torch.cat([ang.cos()] * 2, -1)); s.register_buffer('sin', torch.cat([ang.sin()] * 2, -1))
    def rope(s, x):
        x1, x2 = x[..., :s.D // 2], x[..., s.D // 2:]
        return x * s.cos + torch.cat([-x2, x1], -1) * s.sin
    def forward(s, ids, targets):
        B, T = ids.shape
        x = s.emb(ids)
        for l in s.layers:
            h = l['n1'](x)
            q = s.rope(l['q'](h).view(B, T, s.H, s.D).transpose(1, 2))
            k = s.rope(l['k'](h).view(B, T, s.Hkv, s.D).transpose(1, 2)).repeat_interleave(s.H // s.Hkv, 1)
            v = l['v'](h).view(B, T, s.Hkv, s.D).transpose(1, 2).repeat_interleave(s.H // s.Hkv, 1)
            a = torch.softmax(q @ k.transpose(-1, -2) / s.D ** 0.5 + s.mask, -1) @ v  # torch 1.13 has no fused attention
            x = x + l['o'](a.transpose(1, 2).reshape(B, T, -1))
            h = l['n2'](x)
            x = x + l['w2'](F.silu(l['w1'](h)) * l['w3'](h))
        logits = s.norm(x) @ s.emb.weight.T
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))

CASES = [('stories260K', (64, 172, 5, 8, 4, 512), 16, 512), ('15M-v4096', (288, 768, 6, 6, 6, 4096), 32, 256)]
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 3
only = sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != 'all' else None
thread_counts = [int(t) for t in sys.argv[3].split(',')] if len(sys.argv) > 3 else [1, 2]
print(json.dumps({'machine': platform.processor() or platform.machine(), 'cores': os.cpu_count(), 'torch': torch.__version__}))
for name, shape, B, T in [c for c in CASES if only is None or c[0] == only]:
    for threads in thread_counts:
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        m = Llama(*shape, T)
        opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=0.1)
        times = []
        for s in range(steps + 1):
            ids = torch.randint(0, shape[5], (B, T + 1))
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = m(ids[:, :-1], ids[:, 1:])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
            opt.step()
            if s > 0: times.append(time.perf_counter() - t0)
        ms = statistics.median(times) * 1000
        print(json.dumps({'case': name, 'threads': threads, 'backend': 'pytorch', 'tokens_per_s': round(B * T / ms * 1000), 'ms_per_step': round(ms)}), flush=True)
