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

from common import F64, config, make_fixture

D, EXPANSION, B, T, SEED = 4, 2, 2, 5, 20241002
E = EXPANSION * D


def g(x):
    """The paper's positive activation for the candidate state."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def build():
    lin_in = torch.nn.Linear(D, 2 * E, dtype=F64)            # rows k_z | k_h
    lin_out = torch.nn.Linear(E, D, bias=False, dtype=F64)
    params = {"mixer.in.weight": lin_in.weight, "mixer.in.bias": lin_in.bias,
              "mixer.out.weight": lin_out.weight}

    def forward(x):
        k = lin_in(x)                                         # [B, T, 2E]
        kz, kh = k[..., :E], k[..., E:]
        z, ht = torch.sigmoid(kz), g(kh)
        h = torch.zeros(B, E, dtype=F64)
        hs = []
        for t in range(T):
            h = (1 - z[:, t]) * h + z[:, t] * ht[:, t]
            hs.append(h)
        return lin_out(torch.stack(hs, dim=1))                # [B, T, D]
    return params, forward


if __name__ == "__main__":
    make_fixture("mingru", config("mingru", D, mode="parallel", expansion=EXPANSION),
                 B, T, SEED, build)
