#!/usr/bin/python3
"""PyTorch reference for rnnbench's attention mixer (models/attention.go).

Writes testdata/torch/transformer.json: parameters, an input x, the output y,
an upstream gradient dy and the gradients of sum(y * dy), all in float64,
from the equations alone (no nn.MultiheadAttention):

    [q; k; v] = x @ W_qkv^T                       W_qkv: [3D, D], rows q, k, v
    q~, k~ = RoPE(q), RoPE(k) per head            RoFormer (Su et al. 2021) eq. 34,
                                                  interleaved pairs (x[2i], x[2i+1]),
                                                  theta_i = 10000^(-2i/Dh)
    P = softmax(q~ k~^T / sqrt(Dh) + causal mask)  per (b, h): [T, T]
    y = concat_h(P v) @ W_proj^T                  W_proj: [D, D]

Regenerate from the repository root with Debian's PyTorch (torch 1.13):
    /usr/bin/python3 scripts/torch/transformer.py
"""

import math

import torch

from common import F64, config, make_fixture

D, H, B, T, SEED = 8, 2, 2, 5, 1234
Dh = D // H
BASE = 10000.0


def rope(x):
    """x: [B, H, T, Dh] -> rotated, pairs (x[2i], x[2i+1]) by angle t*theta_i."""
    i = torch.arange(Dh // 2, dtype=F64)
    theta = BASE ** (-2.0 * i / Dh)                                  # [Dh/2]
    ang = torch.arange(T, dtype=F64)[:, None] * theta                # [T, Dh/2]
    cos, sin = torch.cos(ang), torch.sin(ang)
    x0, x1 = x[..., 0::2], x[..., 1::2]                              # [B, H, T, Dh/2]
    y0 = x0 * cos - x1 * sin
    y1 = x0 * sin + x1 * cos
    return torch.stack((y0, y1), dim=-1).reshape(x.shape)           # re-interleave


def mixer(x, w_qkv, w_proj):
    """x: [B, T, D] -> y: [B, T, D]."""
    qkv = x @ w_qkv.T                                                # [B, T, 3D]
    q, k, v = qkv.split(D, dim=-1)                                   # each [B, T, D]
    heads = lambda z: z.reshape(B, T, H, Dh).transpose(1, 2)         # [B, H, T, Dh]
    q, k, v = rope(heads(q)), rope(heads(k)), heads(v)
    s = q @ k.transpose(-1, -2) / math.sqrt(Dh)                      # [B, H, T, T]
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    s = s.masked_fill(~mask, float("-inf"))
    p = torch.softmax(s, dim=-1)
    o = (p @ v).transpose(1, 2).reshape(B, T, D)                     # [B, T, D]
    return o @ w_proj.T


def build():
    # nn.Linear's default U(-1/sqrt(D), 1/sqrt(D)); W_qkv twice as wide so
    # that the attention is far from uniform and the softmax is exercised.
    bound = 1 / math.sqrt(D)
    params = {
        "mixer.qkv.weight": (torch.rand(3 * D, D, dtype=F64) * 2 - 1) * 2 * bound,   # [3D, D]
        "mixer.proj.weight": (torch.rand(D, D, dtype=F64) * 2 - 1) * bound,          # [D, D]
    }
    return params, lambda x: mixer(x, params["mixer.qkv.weight"], params["mixer.proj.weight"])


if __name__ == "__main__":
    make_fixture("transformer", config("transformer", D, H=H), B, T, SEED, build)
