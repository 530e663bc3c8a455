#!/usr/bin/python3
"""PyTorch reference for a whole rnnbench training step (models/model.go,
harness/step.go, internal/optim), ten steps long, for each of the six mixers.

Written from the equations and the project's stated conventions, not from Go
output. The model (models.Model, pre-norm residual blocks as nanoGPT and the
official minRNN code):

    tokens: [B, T] -> Embedding (no bias) -> L x Block -> RMSNorm -> head
    Block:  x += Mixer(RMSNorm(x));  x += MLP(RMSNorm(x))
    RMSNorm(x) = x / sqrt(mean(x^2) + 1e-5) * w                 (w: [D])
    MLP(x) = Linear_down(gelu_tanh(Linear_up(x)))               (both with bias)
    head: Linear(D, V, bias=False)
    loss = F.cross_entropy(logits, targets, ignore_index=-1)    (mean over counted)

The mixers are the per-mixer fixtures' equations (scripts/torch/<mixer>.py)
with sizes as arguments; dropout is off. The optimiser is torch.optim.AdamW
(decoupled weight decay) with two parameter groups: weight decay on the
matrices (every parameter with two or more dimensions, except the token
embedding and Mamba's A_log), none on the rest (biases, norm weights,
embedding, A_log, Mamba's D); torch.nn.utils.clip_grad_norm_ on all
gradients; and nanoGPT's warm-up + cosine schedule (train.py get_lr):

    step < warmup:   lr_max * (step + 1) / (warmup + 1)
    otherwise:       lr_min + 0.5 * (1 + cos(pi * (step - warmup) / (total - warmup))) * (lr_max - lr_min)

Two more fixtures, train_mingru_official.json and train_minlstm_official.json,
run the official code's variants (models/variants.go; BorealisAI/minRNNs
models/minRNNs.py, models/model.py, main.py): a learned initial state
h_{-1} = g(s0), an output projection with bias, minLSTM without normalising
f and i (forget-gate bias +3 at init), the block convolution
x += PW(DW(x)) before each block's norm (CausalDepthWiseConv1d: causal
depthwise nn.Conv1d of kernel 3 with bias, then a 1x1 nn.Conv1d with bias),
every RMSNorm scaling by gamma + 1 (lucidrains' RMSNorm, which model.py credits),
weight decay on every parameter except the recurrent input projection
(main.py: none on to_hidden_and_gate), and a constant learning rate (no
warm-up, no schedule).

Each fixture testdata/torch/train_<name>.json holds the configuration, the
initial parameters, the ten batches (tokens and targets, -1 = ignored), the
learning rate, loss and pre-clipping gradient norm of every step, the names
of the decayed parameters and the final parameters, all in float64.
harness/torchstep_test.go replays it through the Go model and optimiser.

Regenerate from the repository root with Debian's PyTorch (torch 1.13):
    /usr/bin/python3 scripts/torch/train_step.py
"""

import math

import torch
import torch.nn.functional as F

from common import F64, flat, min_g, write_fixture

V, L, D, EXPANSION, MLP, H, N = 11, 2, 8, 2, 2, 2, 3
E = EXPANSION * D
B, T, STEPS = 2, 6, 10
TRAIN = {"lr": 2e-2, "lr_min": 2e-3, "warmup": 3, "steps": STEPS, "beta1": 0.9,
         "beta2": 0.95, "eps": 1e-8, "weight_decay": 0.1, "clip": 2.5}
SEED = 20261201


def uniform(shape, bound):
    """U(-bound, bound), nn.Linear's default init with bound 1/sqrt(fan_in)."""
    return (torch.rand(*shape, dtype=F64) * 2 - 1) * bound


def linear_w(out, inp):
    return uniform((out, inp), inp ** -0.5)


# ---- mixers: init(prefix) -> {go_name: tensor}; forward(p, prefix, x [B, T, D]) -> [B, T, D]

def scan(a, b):
    """h_t = a_t * h_{t-1} + b_t over dim 1, h_{-1} = 0. a, b: [B, T, E]."""
    h = torch.zeros(a.shape[0], a.shape[2], dtype=F64)
    hs = []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        hs.append(h)
    return torch.stack(hs, dim=1)


def mingru_init(pre):
    return {pre + ".in.weight": linear_w(2 * E, D), pre + ".in.bias": uniform((2 * E,), D ** -0.5),
            pre + ".out.weight": linear_w(D, E)}


def mingru(p, pre, x):
    k = x @ p[pre + ".in.weight"].T + p[pre + ".in.bias"]          # [B, T, 2E] rows k_z | k_h
    z = torch.sigmoid(k[..., :E])
    h = scan(1 - z, z * min_g(k[..., E:]))                          # [B, T, E]
    return h @ p[pre + ".out.weight"].T


def minlstm_init(pre):
    return {pre + ".in.weight": linear_w(3 * E, D), pre + ".in.bias": uniform((3 * E,), D ** -0.5),
            pre + ".out.weight": linear_w(D, E)}


def minlstm(p, pre, x):
    k = x @ p[pre + ".in.weight"].T + p[pre + ".in.bias"]          # [B, T, 3E] rows k_f | k_i | k_h
    f, i = torch.sigmoid(k[..., :E]), torch.sigmoid(k[..., E:2 * E])
    h = scan(f / (f + i), i / (f + i) * min_g(k[..., 2 * E:]))
    return h @ p[pre + ".out.weight"].T


def rnn_init(gates):
    def init(pre):
        bound = E ** -0.5                                           # nn.GRU / nn.LSTM default
        return {pre + ".weight_ih": uniform((gates * E, D), bound),
                pre + ".weight_hh": uniform((gates * E, E), bound),
                pre + ".bias_ih": uniform((gates * E,), bound),
                pre + ".bias_hh": uniform((gates * E,), bound),
                pre + ".out.weight": linear_w(D, E)}
    return init


def gru(p, pre, x):
    """torch.nn.GRU's equations, gates ordered r | z | n."""
    gi = x @ p[pre + ".weight_ih"].T + p[pre + ".bias_ih"]          # [B, T, 3E]
    h = torch.zeros(x.shape[0], E, dtype=F64)
    hs = []
    for t in range(x.shape[1]):
        gh = h @ p[pre + ".weight_hh"].T + p[pre + ".bias_hh"]      # [B, 3E]
        r = torch.sigmoid(gi[:, t, :E] + gh[:, :E])
        z = torch.sigmoid(gi[:, t, E:2 * E] + gh[:, E:2 * E])
        n = torch.tanh(gi[:, t, 2 * E:] + r * gh[:, 2 * E:])
        h = (1 - z) * n + z * h
        hs.append(h)
    return torch.stack(hs, dim=1) @ p[pre + ".out.weight"].T


def lstm(p, pre, x):
    """torch.nn.LSTM's equations, gates ordered i | f | g | o."""
    gi = x @ p[pre + ".weight_ih"].T + p[pre + ".bias_ih"]          # [B, T, 4E]
    h = torch.zeros(x.shape[0], E, dtype=F64)
    c = torch.zeros(x.shape[0], E, dtype=F64)
    hs = []
    for t in range(x.shape[1]):
        a = gi[:, t] + h @ p[pre + ".weight_hh"].T + p[pre + ".bias_hh"]
        i, f = torch.sigmoid(a[:, :E]), torch.sigmoid(a[:, E:2 * E])
        gg, o = torch.tanh(a[:, 2 * E:3 * E]), torch.sigmoid(a[:, 3 * E:])
        c = f * c + i * gg
        h = o * torch.tanh(c)
        hs.append(h)
    return torch.stack(hs, dim=1) @ p[pre + ".out.weight"].T


def transformer_init(pre):
    return {pre + ".qkv.weight": linear_w(3 * D, D), pre + ".proj.weight": linear_w(D, D)}


def rope(x):
    """x: [B, H, T, Dh]; interleaved pairs rotated by t * 10000^(-2i/Dh)."""
    Dh = x.shape[-1]
    theta = 10000.0 ** (-2.0 * torch.arange(Dh // 2, dtype=F64) / Dh)
    ang = torch.arange(x.shape[2], dtype=F64)[:, None] * theta      # [T, Dh/2]
    x0, x1 = x[..., 0::2], x[..., 1::2]
    return torch.stack((x0 * ang.cos() - x1 * ang.sin(), x0 * ang.sin() + x1 * ang.cos()), -1).reshape(x.shape)


def transformer(p, pre, x):
    Bx, Tx, Dh = x.shape[0], x.shape[1], D // H
    q, k, v = (x @ p[pre + ".qkv.weight"].T).split(D, dim=-1)
    heads = lambda z: z.reshape(Bx, Tx, H, Dh).transpose(1, 2)      # [B, H, T, Dh]
    q, k, v = rope(heads(q)), rope(heads(k)), heads(v)
    s = q @ k.transpose(-1, -2) / math.sqrt(Dh)
    s = s.masked_fill(~torch.ones(Tx, Tx, dtype=torch.bool).tril(), float("-inf"))
    o = (torch.softmax(s, -1) @ v).transpose(1, 2).reshape(Bx, Tx, D)
    return o @ p[pre + ".proj.weight"].T


K_CONV, R = 4, math.ceil(D / 16)
ME = EXPANSION * D


def mamba_init(pre):
    dt = torch.exp(torch.rand(ME, dtype=F64) * (math.log(0.1) - math.log(1e-3)) + math.log(1e-3))
    return {
        pre + ".in_proj.weight": linear_w(2 * ME, D),
        pre + ".conv.weight": uniform((ME, K_CONV), K_CONV ** -0.5),
        pre + ".conv.bias": uniform((ME,), K_CONV ** -0.5),
        pre + ".x_proj.weight": linear_w(R + 2 * N, ME),
        pre + ".dt_proj.weight": uniform((ME, R), R ** -0.5),
        pre + ".dt_proj.bias": dt + torch.log(-torch.expm1(-dt)),    # softplus^-1(dt)
        pre + ".A_log": torch.log(torch.arange(1, N + 1, dtype=F64)).repeat(ME, 1),
        pre + ".D": torch.ones(ME, dtype=F64),
        pre + ".out_proj.weight": linear_w(D, ME),
    }


def mamba(p, pre, x):
    Tx = x.shape[1]
    xz = x @ p[pre + ".in_proj.weight"].T                           # [B, T, 2E]
    xs, z = xz[..., :ME], xz[..., ME:]
    xc = F.conv1d(xs.transpose(1, 2), p[pre + ".conv.weight"].unsqueeze(1), p[pre + ".conv.bias"],
                  padding=K_CONV - 1, groups=ME)[..., :Tx]
    u = F.silu(xc).transpose(1, 2)                                  # [B, T, E]
    xdbl = u @ p[pre + ".x_proj.weight"].T
    dr, Bm, Cm = xdbl[..., :R], xdbl[..., R:R + N], xdbl[..., R + N:]
    delta = F.softplus(dr @ p[pre + ".dt_proj.weight"].T + p[pre + ".dt_proj.bias"])
    A = -torch.exp(p[pre + ".A_log"])                               # [E, N]
    h = torch.zeros(x.shape[0], ME, N, dtype=F64)
    ys = []
    for t in range(Tx):
        h = torch.exp(delta[:, t, :, None] * A) * h + delta[:, t, :, None] * Bm[:, t, None, :] * u[:, t, :, None]
        ys.append((h * Cm[:, t, None, :]).sum(-1) + p[pre + ".D"] * u[:, t])
    return (torch.stack(ys, dim=1) * F.silu(z)) @ p[pre + ".out_proj.weight"].T


def official_init(gates):
    def init(pre):
        p = {pre + ".in.weight": linear_w(gates * E, D), pre + ".in.bias": uniform((gates * E,), D ** -0.5),
             pre + ".out.weight": linear_w(D, E), pre + ".out.bias": uniform((D,), E ** -0.5),
             pre + ".h0": torch.randn(E, dtype=F64)}
        if gates == 3:
            p[pre + ".in.bias"][:E] += 3.0                           # forget_bias_init_scale, rows k_f
        return p
    return init


def scan0(a, b, h0):
    """h_t = a_t * h_{t-1} + b_t over dim 1 from h_{-1} = h0: [E]."""
    h = h0.expand(a.shape[0], E)
    hs = []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        hs.append(h)
    return torch.stack(hs, dim=1)


def mingru_official(p, pre, x):
    k = x @ p[pre + ".in.weight"].T + p[pre + ".in.bias"]          # [B, T, 2E] rows k_z | k_h
    z = torch.sigmoid(k[..., :E])
    h = scan0(1 - z, z * min_g(k[..., E:]), min_g(p[pre + ".h0"]))
    return h @ p[pre + ".out.weight"].T + p[pre + ".out.bias"]


def minlstm_official(p, pre, x):
    k = x @ p[pre + ".in.weight"].T + p[pre + ".in.bias"]          # [B, T, 3E] rows k_f | k_i | k_h
    f, i = torch.sigmoid(k[..., :E]), torch.sigmoid(k[..., E:2 * E])   # not normalised
    h = scan0(f, i * min_g(k[..., 2 * E:]), min_g(p[pre + ".h0"]))
    return h @ p[pre + ".out.weight"].T + p[pre + ".out.bias"]


K_BLOCK = 3  # the official block convolution's kernel in the official fixtures


def block_conv(p, pre, x):
    """x + PW(DW(x)), causal: x: [B, T, D]."""
    xt = F.pad(x.transpose(1, 2), (K_BLOCK - 1, 0))                  # [B, D, T+K-1]
    c = F.conv1d(xt, p[pre + ".weight"].unsqueeze(1), p[pre + ".bias"], groups=D)
    y = F.conv1d(c, p[pre + ".pw.weight"].unsqueeze(-1), p[pre + ".pw.bias"])
    return x + y.transpose(1, 2)


OFFICIAL = {
    "mingru_official": ("mingru", official_init(2), mingru_official),
    "minlstm_official": ("minlstm", official_init(3), minlstm_official),
}
OFFICIAL_TRAIN = dict(TRAIN, lr_min=TRAIN["lr"], warmup=0)   # constant learning rate


MIXERS = {
    "mingru": (mingru_init, mingru, "parallel"),
    "minlstm": (minlstm_init, minlstm, "parallel"),
    "gru": (rnn_init(3), gru, ""),
    "lstm": (rnn_init(4), lstm, ""),
    "transformer": (transformer_init, transformer, ""),
    "mamba": (mamba_init, mamba, ""),
}


# ---- the backbone

def rmsnorm(x, w):
    return x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-5) * w


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def init_model(mixer_init, conv=False, offset=False):
    """Every parameter under its Go name, in the Go registration order.
    With offset the norm parameters are gamma (scale gamma + 1)."""
    one = 0.0 if offset else 1.0
    p = {"embed.weight": 0.02 * torch.randn(V, D, dtype=F64)}
    for l in range(L):
        pre = f"blocks.{l}"
        if conv:
            p[pre + ".conv.weight"] = uniform((D, K_BLOCK), K_BLOCK ** -0.5)
            p[pre + ".conv.bias"] = uniform((D,), K_BLOCK ** -0.5)
            p[pre + ".conv.pw.weight"] = linear_w(D, D)
            p[pre + ".conv.pw.bias"] = uniform((D,), D ** -0.5)
        # norm weights perturbed away from 1 so that their gradients and a
        # wrong weight decay on them both show
        p[pre + ".norm1.weight"] = one + 0.1 * torch.randn(D, dtype=F64)
        p.update(mixer_init(pre + ".mixer"))
        p[pre + ".norm2.weight"] = one + 0.1 * torch.randn(D, dtype=F64)
        p[pre + ".mlp.up.weight"] = linear_w(MLP * D, D)
        p[pre + ".mlp.up.bias"] = uniform((MLP * D,), D ** -0.5)
        p[pre + ".mlp.down.weight"] = linear_w(D, MLP * D)
        p[pre + ".mlp.down.bias"] = uniform((D,), (MLP * D) ** -0.5)
    p["norm_f.weight"] = one + 0.1 * torch.randn(D, dtype=F64)
    p["head.weight"] = linear_w(V, D)
    return p


def model_loss(p, mixer, tokens, targets, conv=False, offset=False):
    one = 1.0 if offset else 0.0                                    # scale = weight (+ 1)
    x = p["embed.weight"][tokens]                                   # [B, T, D]
    for l in range(L):
        pre = f"blocks.{l}"
        if conv:
            x = block_conv(p, pre + ".conv", x)
        x = x + mixer(p, pre + ".mixer", rmsnorm(x, one + p[pre + ".norm1.weight"]))
        hdn = gelu_tanh(rmsnorm(x, one + p[pre + ".norm2.weight"]) @ p[pre + ".mlp.up.weight"].T + p[pre + ".mlp.up.bias"])
        x = x + hdn @ p[pre + ".mlp.down.weight"].T + p[pre + ".mlp.down.bias"]
    logits = rmsnorm(x, one + p["norm_f.weight"]) @ p["head.weight"].T     # [B, T, V]
    return F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), ignore_index=-1)


def decays(name, t):
    """The project's weight-decay rule: matrices only, not the embedding or A_log."""
    return t.dim() >= 2 and name != "embed.weight" and not name.endswith(".A_log")


def decays_official(name, t):
    """main.py: every parameter except to_hidden_and_gate (Go: mixer.in.*)."""
    return ".mixer.in." not in name


def lr_at(step, c):
    if step < c["warmup"]:
        return c["lr"] * (step + 1) / (c["warmup"] + 1)
    if step >= c["steps"]:
        return c["lr_min"]
    ratio = (step - c["warmup"]) / (c["steps"] - c["warmup"])
    return c["lr_min"] + 0.5 * (1 + math.cos(math.pi * ratio)) * (c["lr"] - c["lr_min"])


def batches():
    """STEPS fixed batches: random tokens, next-token targets, about a
    quarter of the targets ignored (-1) and the first position always."""
    out = []
    for _ in range(STEPS):
        seq = torch.randint(0, V, (B, T + 1))
        tokens, targets = seq[:, :-1].clone(), seq[:, 1:].clone()
        targets[torch.rand(B, T) < 0.25] = -1
        targets[:, 0] = -1
        out.append((tokens, targets))
    return out


def run(name):
    official = name in OFFICIAL
    if official:
        mixer_name, init, mixer = OFFICIAL[name]
        mode, c, rule = "parallel", OFFICIAL_TRAIN, decays_official
    else:
        mixer_name, (init, mixer, mode), c, rule = name, MIXERS[name], TRAIN, decays
    torch.manual_seed(SEED)
    p = init_model(init, conv=official, offset=official)
    p0 = {k: flat(v) for k, v in p.items()}
    for v in p.values():
        v.requires_grad_()
    data = batches()
    decay = [k for k, v in p.items() if rule(k, v)]
    opt = torch.optim.AdamW(
        [{"params": [p[k] for k in decay], "weight_decay": c["weight_decay"]},
         {"params": [v for k, v in p.items() if k not in decay], "weight_decay": 0.0}],
        lr=c["lr"], betas=(c["beta1"], c["beta2"]), eps=c["eps"])
    losses, norms, lrs = [], [], []
    for step, (tokens, targets) in enumerate(data):
        opt.zero_grad()
        loss = model_loss(p, mixer, tokens, targets, conv=official, offset=official)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(list(p.values()), c["clip"])
        lr = lr_at(step, c)
        for grp in opt.param_groups:
            grp["lr"] = lr
        opt.step()
        losses.append(loss.item())
        norms.append(norm.item())
        lrs.append(lr)
    cfg = {"mixer": mixer_name, "mode": mode, "V": V, "L": L, "D": D, "expansion": EXPANSION,
           "H": H if mixer_name == "transformer" else 0, "N": N if mixer_name == "mamba" else 0,
           "mlp": MLP, "dropout": 0}
    if official:
        cfg.update({"init_state": True, "out_bias": True, "norm_offset": True, "conv_kernel": K_BLOCK,
                    "decay_groups": "official"})
        if mixer_name == "minlstm":
            cfg.update({"no_coeff_norm": True, "forget_bias": 3})
    write_fixture("train_" + name, {
        "config": cfg, "train": c, "B": B, "T": T,
        "params": p0,
        "decay": decay,
        "batches": [{"tokens": flat(tk), "targets": flat(tg)} for tk, tg in data],
        "lr": lrs, "loss": losses, "grad_norm": norms,
        "final": {k: flat(v) for k, v in p.items()},
    })


if __name__ == "__main__":
    for name in list(MIXERS) + list(OFFICIAL):
        run(name)
