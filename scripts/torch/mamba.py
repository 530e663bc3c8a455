#!/usr/bin/python3
"""PyTorch reference for rnnbench's Mamba mixer (models/mamba.go).

Writes testdata/torch/mamba.json (read by models/modeltest.CheckTorchFixture)
from plain PyTorch written out from the equations of Gu & Dao 2023 ("Mamba",
arXiv 2312.00752, §3, Algorithm 2) as the official mamba_simple.py and
selective_scan_ref compute them, in float64, with D=4, expansion 2 (E=8),
N=3, R=ceil(D/16)=1, K=4, B=2, T=6:

    x, z  = in_proj(x_in).chunk(2)                       Linear D->2E, no bias
    u     = silu(conv1d(x, groups=E, padding=K-1)[..., :T])
    delta_r, B_t, C_t = x_proj(u).split(R, N, N)         Linear E->R+2N, no bias
    Delta = softplus(dt_proj(delta_r))                   Linear R->E with bias
    A     = -exp(A_log)
    h_t   = exp(Delta_t A) * h_{t-1} + Delta_t B_t u_t   h: [B, E, N], h_0 = 0 (loop over t)
    y_t   = C_t . h_t + D * u_t
    out   = out_proj(y * silu(z))                        Linear E->D, no bias

Parameters follow the official initialisation, except that Delta_0 is drawn
from [0.1, 1] instead of [1e-3, 0.1], and A_log and D are perturbed, so
that no gradient is a special case or vanishingly small. dx and grads are
the gradients of sum(out * dy).

Regenerate from the repository root with Debian's PyTorch (torch 1.13):
    /usr/bin/python3 scripts/torch/mamba.py
"""

import math

import torch
import torch.nn.functional as F

from common import F64, config, make_fixture

D, EXPANSION, N, B, T, K, SEED = 4, 2, 3, 2, 6, 4, 20231201
E, R = EXPANSION * D, math.ceil(D / 16)
# The official Delta range is [1e-3, 0.1]; the fixture uses [0.1, 1] so that
# the decay exp(Delta A) is far from 1 and the A_log gradients are not tiny.
DT_MIN, DT_MAX = 0.1, 1.0


def init_params():
    """Official-style init; names and shapes as the Go mixer registers them."""
    def uniform(shape, bound):
        return (torch.rand(*shape, dtype=F64) * 2 - 1) * bound

    dt = torch.exp(torch.rand(E, dtype=F64) * (math.log(DT_MAX) - math.log(DT_MIN)) + math.log(DT_MIN))
    dt = dt.clamp(min=1e-4)
    a_log = torch.log(torch.arange(1, N + 1, dtype=F64)).repeat(E, 1)
    return {
        "mixer.in_proj.weight": uniform((2 * E, D), D ** -0.5),          # [2E, D]
        "mixer.conv.weight": uniform((E, K), K ** -0.5),                 # [E, K]
        "mixer.conv.bias": uniform((E,), K ** -0.5),                     # [E]
        "mixer.x_proj.weight": uniform((R + 2 * N, E), E ** -0.5),       # [R+2N, E]
        "mixer.dt_proj.weight": uniform((E, R), R ** -0.5),              # [E, R]
        "mixer.dt_proj.bias": dt + torch.log(-torch.expm1(-dt)),         # [E] softplus^-1(dt)
        "mixer.A_log": a_log + 0.1 * torch.randn(E, N, dtype=F64),       # [E, N]
        "mixer.D": 1 + 0.1 * torch.randn(E, dtype=F64),                  # [E]
        "mixer.out_proj.weight": uniform((D, E), E ** -0.5),             # [D, E]
    }


def mamba(p, x):
    """x: [B, T, D] -> [B, T, D], the mixer forward from the equations."""
    xz = x @ p["mixer.in_proj.weight"].T                                 # [B, T, 2E]
    xs, z = xz[..., :E], xz[..., E:]                                     # [B, T, E] each
    xc = F.conv1d(xs.transpose(1, 2), p["mixer.conv.weight"].unsqueeze(1), p["mixer.conv.bias"],
                  padding=K - 1, groups=E)[..., :T]                      # [B, E, T]
    u = F.silu(xc).transpose(1, 2)                                       # [B, T, E]
    xdbl = u @ p["mixer.x_proj.weight"].T                                # [B, T, R+2N]
    dr, Bm, Cm = xdbl[..., :R], xdbl[..., R:R + N], xdbl[..., R + N:]
    delta = F.softplus(dr @ p["mixer.dt_proj.weight"].T + p["mixer.dt_proj.bias"])  # [B, T, E]
    A = -torch.exp(p["mixer.A_log"])                                     # [E, N]
    h = torch.zeros(B, E, N, dtype=F64)                                  # [B, E, N]
    ys = []
    for t in range(T):
        dA = torch.exp(delta[:, t, :, None] * A)                         # [B, E, N]
        dBu = delta[:, t, :, None] * Bm[:, t, None, :] * u[:, t, :, None]
        h = dA * h + dBu
        ys.append((h * Cm[:, t, None, :]).sum(-1) + p["mixer.D"] * u[:, t])  # [B, E]
    y = torch.stack(ys, dim=1)                                           # [B, T, E]
    return (y * F.silu(z)) @ p["mixer.out_proj.weight"].T                # [B, T, D]


def build():
    p = init_params()
    return p, lambda x: mamba(p, x)


if __name__ == "__main__":
    make_fixture("mamba", config("mamba", D, expansion=EXPANSION, N=N), B, T, SEED, build)
