#!/usr/bin/python3
"""PyTorch reference for rnnbench's minLSTM mixer (models/minlstm.go).

Builds minLSTM (Feng et al. 2024, "Were RNNs All We Needed?", arXiv
2410.01201, section 3) from the paper's equations in plain PyTorch, in
float64, in the sequential form, and writes testdata/torch/minlstm.json
(D=4, expansion 2 so E=8, B=2, T=5):

    [k_f | k_i | k_h] = W_in x + b_in        nn.Linear(D, 3E), default init
    f = sigmoid(k_f),  i = sigmoid(k_i),  h~ = g(k_h)
    f' = f / (f + i),  i' = i / (f + i)
    h_t = f'_t * h_{t-1} + i'_t * h~_t,  h_0 = 0
    y = W_out h                              nn.Linear(E, D, bias=False)

with g(x) = x + 0.5 if x >= 0 else sigmoid(x). The Go code computes f' and
i' through d = softplus(-k_f) - softplus(-k_i); this script uses the
paper's direct ratio, so the fixture also checks that rewriting. dx and the
parameter gradients are those of sum(y * dy) for a random dy.

Regenerate from the repository root with Debian's PyTorch (torch 1.13):
    /usr/bin/python3 scripts/torch/minlstm.py
"""

import torch

from common import F64, config, make_fixture

D, EXPANSION, B, T, SEED = 4, 2, 2, 5, 20241003
E = EXPANSION * D


def g(x):
    """The paper's positive activation for the candidate state."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def build():
    lin_in = torch.nn.Linear(D, 3 * E, dtype=F64)            # rows k_f | k_i | k_h
    lin_out = torch.nn.Linear(E, D, bias=False, dtype=F64)
    params = {"mixer.in.weight": lin_in.weight, "mixer.in.bias": lin_in.bias,
              "mixer.out.weight": lin_out.weight}

    def forward(x):
        k = lin_in(x)                                         # [B, T, 3E]
        f, i, ht = torch.sigmoid(k[..., :E]), torch.sigmoid(k[..., E:2 * E]), g(k[..., 2 * E:])
        fp, ip = f / (f + i), i / (f + i)
        h = torch.zeros(B, E, dtype=F64)
        hs = []
        for t in range(T):
            h = fp[:, t] * h + ip[:, t] * ht[:, t]
            hs.append(h)
        return lin_out(torch.stack(hs, dim=1))                # [B, T, D]
    return params, forward


if __name__ == "__main__":
    make_fixture("minlstm", config("minlstm", D, mode="parallel", expansion=EXPANSION),
                 B, T, SEED, build)
