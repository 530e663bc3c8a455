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

from common import config, make_fixture, min_g, min_sequential

D, EXPANSION, B, T, SEED = 4, 2, 2, 5, 20241003
E = EXPANSION * D


def coeffs(k):
    """a = f', b = i' * g(k_h) from k = [k_f | k_i | k_h]: [B, T, 3E]."""
    f, i = torch.sigmoid(k[..., :E]), torch.sigmoid(k[..., E:2 * E])
    return f / (f + i), i / (f + i) * min_g(k[..., 2 * E:])


if __name__ == "__main__":
    make_fixture("minlstm", config("minlstm", D, mode="parallel", expansion=EXPANSION),
                 B, T, SEED, min_sequential(D, E, B, 3, coeffs))
