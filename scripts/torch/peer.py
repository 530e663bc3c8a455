#!/usr/bin/python3
"""PyTorch peer of one rnnbench sweep point (harness/peer.go, `bench run
--task sweep --peer torch|torch-cuda`): the same model and the same training
step, timed the same way, in PyTorch.

Input (stdin, one JSON object; harness.PeerSpec):
    {"model": models.Config, "T": int, "B": int, "warmup": int, "repeats": int,
     "train": harness.TrainConfig, "device": "cpu" | "cuda", "threads": int}
Output (stdout, one JSON line; harness.PeerResult):
    {"engine": "torch" | "torch-cuda", "torch": version, "device": name,
     "threads": int, "params": int, "step_ms": [repeats floats]}
or {"error": "..."} and exit status 1.

The model is rnnbench's (models/model.go; the equations of
scripts/torch/train_step.py), in float32:

    tokens: [B, T] -> Embedding -> L x Block -> RMSNorm -> head Linear(D, V, no bias)
    Block:  x += Mixer(RMSNorm(x));  with MLP > 0 also x += MLP(RMSNorm(x))

with the mixers written the way a PyTorch user runs them fastest:
  - gru, lstm: nn.GRU / nn.LSTM (E hidden, batch_first; cuDNN on CUDA),
    then Linear(E, D, no bias) when E != D (none when E = D, as rnnbench);
  - mingru, minlstm: the log-space parallel scan of Feng et al. 2024
    (Heinsen's logcumsumexp form, as the paper's Listing/official code),
    for the modes parallel, linear and chunked; the mode sequential runs
    the recurrence h_t = a_t h_{t-1} + b_t in a Python loop over T;
  - transformer: RoPE, causal scaled-dot-product attention
    (F.scaled_dot_product_attention where this torch has it, >= 2.0;
    otherwise softmax(QK^T / sqrt(Dh) + causal mask) V);
  - mamba: Mamba's selective_scan_ref (state-spaces/mamba,
    mamba_ssm/ops/selective_scan_interface.py), a Python loop over T.

One training step, as harness/step.go: zero the gradients, forward,
F.cross_entropy, backward, clip_grad_norm_, AdamW (weight decay on
matrices only). Random tokens and targets in [0, V). `warmup` untimed steps,
then `repeats` timed ones; on CUDA each timed step ends with
torch.cuda.synchronize(). CPU threads: torch.set_num_threads(threads).
"""

import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-5) * self.weight


def log_g(x):
    """log of minRNN's g(x) = x + 0.5 (x >= 0), sigmoid(x) (x < 0)."""
    return torch.where(x >= 0, torch.log(F.relu(x) + 0.5), -F.softplus(-x))


def g(x):
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def heinsen(log_a, log_b):
    """h_t = a_t h_{t-1} + b_t from h_{-1} = 0 in log space: [B, T, E]."""
    a_star = torch.cumsum(log_a, dim=1)
    return torch.exp(a_star + torch.logcumsumexp(log_b - a_star, dim=1))


def loop_scan(a, b):
    h = torch.zeros_like(a[:, 0])
    hs = []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        hs.append(h)
    return torch.stack(hs, dim=1)


def out_proj(E, D):
    """The RNNs' output projection Linear(E, D, no bias), absent when E = D
    (models/minrnn.go, gru.go, lstm.go: the hidden state is the output)."""
    return nn.Identity() if E == D else nn.Linear(E, D, bias=False)


class MinRNN(nn.Module):
    def __init__(self, D, E, lstm, sequential):
        super().__init__()
        self.E, self.lstm, self.sequential = E, lstm, sequential
        self.inp = nn.Linear(D, (3 if lstm else 2) * E)
        self.out = out_proj(E, D)

    def forward(self, x):
        E, k = self.E, self.inp(x)
        if self.lstm:
            kf, ki, kh = k[..., :E], k[..., E:2 * E], k[..., 2 * E:]
            if self.sequential:
                f, i = torch.sigmoid(kf), torch.sigmoid(ki)
                h = loop_scan(f / (f + i), i / (f + i) * g(kh))
            else:
                diff = F.softplus(-kf) - F.softplus(-ki)
                h = heinsen(-F.softplus(diff), -F.softplus(-diff) + log_g(kh))
        else:
            kz, kh = k[..., :E], k[..., E:]
            if self.sequential:
                z = torch.sigmoid(kz)
                h = loop_scan(1 - z, z * g(kh))
            else:
                h = heinsen(-F.softplus(kz), -F.softplus(-kz) + log_g(kh))
        return self.out(h)


class TorchRNN(nn.Module):
    def __init__(self, D, E, cls):
        super().__init__()
        self.rnn = cls(D, E, batch_first=True)
        self.out = out_proj(E, D)

    def forward(self, x):
        return self.out(self.rnn(x)[0])


def rope(x):
    """x: [B, H, T, Dh]; interleaved pairs rotated by t * 10000^(-2i/Dh)."""
    Dh = x.shape[-1]
    theta = 10000.0 ** (-2.0 * torch.arange(Dh // 2, device=x.device, dtype=x.dtype) / Dh)
    ang = torch.arange(x.shape[2], device=x.device, dtype=x.dtype)[:, None] * theta
    x0, x1 = x[..., 0::2], x[..., 1::2]
    c, s = ang.cos(), ang.sin()
    return torch.stack((x0 * c - x1 * s, x0 * s + x1 * c), -1).reshape(x.shape)


class Attention(nn.Module):
    def __init__(self, D, H):
        super().__init__()
        self.D, self.H = D, H
        self.qkv = nn.Linear(D, 3 * D, bias=False)
        self.proj = nn.Linear(D, D, bias=False)

    def forward(self, x):
        B, T, D, H = x.shape[0], x.shape[1], self.D, self.H
        q, k, v = self.qkv(x).split(D, dim=-1)
        heads = lambda z: z.reshape(B, T, H, D // H).transpose(1, 2)     # [B, H, T, Dh]
        q, k, v = rope(heads(q)), rope(heads(k)), heads(v)
        if hasattr(F, "scaled_dot_product_attention"):
            o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            s = q @ k.transpose(-1, -2) / math.sqrt(D // H)
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            o = torch.softmax(s.masked_fill(~mask, float("-inf")), -1) @ v
        return self.proj(o.transpose(1, 2).reshape(B, T, D))


class Mamba(nn.Module):
    def __init__(self, D, E, N):
        super().__init__()
        self.E, self.N, self.R, K = E, N, (D + 15) // 16, 4
        self.in_proj = nn.Linear(D, 2 * E, bias=False)
        self.conv = nn.Conv1d(E, E, K, groups=E, padding=K - 1)
        self.x_proj = nn.Linear(E, self.R + 2 * N, bias=False)
        self.dt_proj = nn.Linear(self.R, E)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, N + 1, dtype=torch.float32)).repeat(E, 1))
        self.D = nn.Parameter(torch.ones(E))
        self.out_proj = nn.Linear(E, D, bias=False)

    def forward(self, x):
        T, E, N, R = x.shape[1], self.E, self.N, self.R
        xs, z = self.in_proj(x).split(E, dim=-1)
        u = F.silu(self.conv(xs.transpose(1, 2))[..., :T]).transpose(1, 2)   # [B, T, E]
        dr, Bm, Cm = self.x_proj(u).split((R, N, N), dim=-1)
        delta = F.softplus(self.dt_proj(dr))                                  # [B, T, E]
        A = -torch.exp(self.A_log)                                            # [E, N]
        dA = torch.exp(delta[..., None] * A)                                  # [B, T, E, N]
        dBu = delta[..., None] * Bm[:, :, None, :] * u[..., None]
        h = torch.zeros(x.shape[0], E, N, device=x.device, dtype=x.dtype)
        ys = []
        for t in range(T):                                                    # selective_scan_ref
            h = dA[:, t] * h + dBu[:, t]
            ys.append(torch.einsum("ben,bn->be", h, Cm[:, t]))
        y = torch.stack(ys, dim=1) + u * self.D
        return self.out_proj(y * F.silu(z))


class MLP(nn.Module):
    def __init__(self, D, hidden):
        super().__init__()
        self.up, self.down = nn.Linear(D, hidden), nn.Linear(hidden, D)

    def forward(self, x):
        return self.down(F.gelu(self.up(x), approximate="tanh"))


def mixer(c):
    D, E, name, mode = c["D"], c["expansion"] * c["D"], c["mixer"], c.get("mode", "")
    if name in ("mingru", "minlstm"):
        return MinRNN(D, E, name == "minlstm", mode == "sequential")
    if name == "gru":
        return TorchRNN(D, E, nn.GRU)
    if name == "lstm":
        return TorchRNN(D, E, nn.LSTM)
    if name == "transformer":
        return Attention(D, c["H"])
    if name == "mamba":
        return Mamba(D, E, c["N"])
    raise ValueError(f"no PyTorch peer for model {name!r}")


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        D = c["D"]
        self.embed = nn.Embedding(c["V"], D)
        self.norm1 = nn.ModuleList(RMSNorm(D) for _ in range(c["L"]))
        self.mixers = nn.ModuleList(mixer(c) for _ in range(c["L"]))
        m = c.get("mlp", 0)
        self.norm2 = nn.ModuleList(RMSNorm(D) for _ in range(c["L"] if m else 0))
        self.mlps = nn.ModuleList(MLP(D, m * D) for _ in range(c["L"] if m else 0))
        self.norm_f = RMSNorm(D)
        self.head = nn.Linear(D, c["V"], bias=False)

    def forward(self, tokens):
        x = self.embed(tokens)
        for l, mx in enumerate(self.mixers):
            x = x + mx(self.norm1[l](x))
            if self.mlps:
                x = x + self.mlps[l](self.norm2[l](x))
        return self.head(self.norm_f(x))


def measure(spec):
    c, tr, dev = spec["model"], spec["train"], spec["device"]
    if dev == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("torch.cuda.is_available() is False: no CUDA device for --peer torch-cuda")
    torch.set_num_threads(max(1, spec["threads"]))
    torch.manual_seed(tr.get("seed", 1))
    net = Net(c).to(dev)
    decay = [p for n, p in net.named_parameters() if p.dim() >= 2 and not n.startswith("embed") and "A_log" not in n]
    rest = [p for n, p in net.named_parameters() if not (p.dim() >= 2 and not n.startswith("embed") and "A_log" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": tr.get("weight_decay", 0.0)},
                             {"params": rest, "weight_decay": 0.0}],
                            lr=tr["lr"], betas=(tr["beta1"], tr["beta2"]), eps=tr.get("eps") or 1e-8)
    B, T, V = spec["B"], spec["T"], c["V"]
    tokens = torch.randint(V, (B, T), device=dev)
    targets = torch.randint(V, (B, T), device=dev)
    sync = torch.cuda.synchronize if dev == "cuda" else (lambda: None)

    def step():
        opt.zero_grad(set_to_none=False)
        loss = F.cross_entropy(net(tokens).reshape(-1, V), targets.reshape(-1))
        loss.backward()
        if tr.get("clip", 0) > 0:
            torch.nn.utils.clip_grad_norm_(net.parameters(), tr["clip"])
        opt.step()

    for _ in range(spec["warmup"]):
        step()
    sync()
    ms = []
    for _ in range(spec["repeats"]):
        t0 = time.perf_counter()
        step()
        sync()
        ms.append((time.perf_counter() - t0) * 1e3)
    return {
        "engine": "torch-cuda" if dev == "cuda" else "torch",
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name() if dev == "cuda" else "cpu",
        "threads": torch.get_num_threads(),
        "params": sum(p.numel() for p in net.parameters()),
        "step_ms": ms,
    }


def main():
    try:
        out = measure(json.load(sys.stdin))
    except Exception as e:  # one line for harness/peer.go
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        return 1
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
