#!/usr/bin/python3
"""PyTorch reference for rnnbench's minGRU mixer (models/mingru.go).

Builds minGRU (Feng et al. 2024, "Were RNNs All We Needed?", arXiv
2410.01201, section 3) from the paper's equations in plain PyTorch, in
float64, in the sequential form, and writes testdata/torch/mingru.json
(D=4, expansion 2 so E=8, B=2, T=5):

    [k_z | k_h] = W_in x + b_in              nn.Linear(D, 2E), default init
    z = sigmoid(k_z),  h~ = g(k_h),  g(x) = x + 0.5 if x >= 0 else sigmoid(x)
    h_t = (1 - z_t) * h_{t-1} + z_t * h~_t,  h_0 = 0
    y = W_out h                              nn.Linear(E, D, bias=False)

dx and the parameter gradients are those of sum(y * dy) for a random dy.
The Go test (models/mingru_test.go) checks every mode against it.

Regenerate from the repository root with Debian's PyTorch (torch 1.13):
    /usr/bin/python3 scripts/torch/mingru.py
"""

import torch

from common import config, make_fixture, min_g, min_sequential

D, EXPANSION, B, T, SEED = 4, 2, 2, 5, 20241002
E = EXPANSION * D


def coeffs(k):
    """a = 1 - z, b = z * g(k_h) from k = [k_z | k_h]: [B, T, 2E]."""
    z = torch.sigmoid(k[..., :E])
    return 1 - z, z * min_g(k[..., E:])


if __name__ == "__main__":
    make_fixture("mingru", config("mingru", D, mode="parallel", expansion=EXPANSION),
                 B, T, SEED, min_sequential(D, E, B, 2, coeffs))
