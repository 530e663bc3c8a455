#!/usr/bin/python3
"""PyTorch reference for the official code's minGRU and minLSTM variants
(models/variants.go: NoCoeffNorm, ForgetBias, InitState, OutBias).

Writes testdata/torch/mingru_official.json and minlstm_official.json (read
by models/modeltest.CheckTorchFixture in every mode) from the official
code's equations (Feng et al. 2024; BorealisAI/minRNNs models/minRNNs.py,
configs/default.yaml: use_coeff_norm False, forget_bias_init_scale 3,
use_init_hidden_state True), in its log-space (parallel) form, float64,
D=4, expansion 2 (E=8), B=2, T=5:

    minGRU:  [k_h | k_z] = W x + b   (the official chunk order: hidden, gate)
             log a = -softplus(k_z),  log b = -softplus(-k_z) + log g(k_h)
    minLSTM: [k_h | k_f | k_i] = W x + b   (hidden, forget, input),
             forget-gate bias + 3 at init, f and i NOT normalised:
             log a = -softplus(-k_f),  log b = -softplus(-k_i) + log g(k_h)
    both:    h_{-1} = g(s0), s0 ~ N(0, 1) learned: log g(s0) is prepended to
             log b and 0 to log a, then Heinsen's scan
             log h_t = a*_t + logcumsumexp_t(log b_t - a*_t),  a* = cumsum(log a),
             and the prepended position is dropped
             y = W_out h + b_out   (nn.Linear(E, D), with bias)

with g(x) = x + 0.5 (x >= 0), sigmoid(x) (x < 0), log g(x) = log(relu(x) + 0.5)
(x >= 0), -softplus(-x) (x < 0). The Go mixer packs its input projection
gate first (minGRU k_z | k_h, minLSTM k_f | k_i | k_h): the script holds
the parameters in the Go layout and permutes the rows to the official order
inside the forward pass, so the fixture also checks that mapping.

Regenerate from the repository root with Debian's PyTorch (torch 1.13):
    /usr/bin/python3 scripts/torch/minrnn_official.py
"""

import torch
import torch.nn.functional as F

from common import F64, config, make_fixture

D, EXPANSION, B, T = 4, 2, 2, 5
E = EXPANSION * D


def log_g(x):
    return torch.where(x >= 0, (F.relu(x) + 0.5).log(), -F.softplus(-x))


def heinsen(log_a, log_b):
    """log h for h_t = a_t h_{t-1} + b_t, h_{-1} = 0, over dim 1."""
    a_star = torch.cumsum(log_a, dim=1)
    return a_star + torch.logcumsumexp(log_b - a_star, dim=1)


def build(lstm):
    G = 3 if lstm else 2

    def inner():
        lin_in = torch.nn.Linear(D, G * E, dtype=F64)
        lin_out = torch.nn.Linear(E, D, dtype=F64)
        w, b = lin_in.weight.detach().clone(), lin_in.bias.detach().clone()
        if lstm:
            b[:E] += 3.0                                     # forget_bias_init_scale (Go rows k_f first)
        params = {"mixer.in.weight": w, "mixer.in.bias": b,
                  "mixer.out.weight": lin_out.weight.detach().clone(),
                  "mixer.out.bias": lin_out.bias.detach().clone(),
                  "mixer.h0": torch.randn(E, dtype=F64)}     # init_hidden_state
        # Go rows -> official rows: hidden first, then the gate(s).
        perm = torch.cat([torch.arange((G - 1) * E, G * E), torch.arange(0, (G - 1) * E)])

        def forward(x):
            k = x @ params["mixer.in.weight"][perm].T + params["mixer.in.bias"][perm]   # [B, T, G*E]
            if lstm:
                hidden, forget, inp = k.chunk(3, dim=-1)
                log_a = -F.softplus(-forget)
                log_b = -F.softplus(-inp) + log_g(hidden)
            else:
                hidden, gate = k.chunk(2, dim=-1)
                log_a = -F.softplus(gate)
                log_b = -F.softplus(-gate) + log_g(hidden)
            h0 = log_g(params["mixer.h0"]).expand(x.shape[0], 1, E)
            log_b = torch.cat((h0, log_b), dim=1)
            log_a = F.pad(log_a, (0, 0, 1, 0))
            h = heinsen(log_a, log_b)[:, 1:].exp()                                     # [B, T, E]
            return h @ params["mixer.out.weight"].T + params["mixer.out.bias"]
        return params, forward
    return inner


if __name__ == "__main__":
    for name, lstm, seed in (("mingru", False, 20241004), ("minlstm", True, 20241005)):
        cfg = config(name, D, mode="parallel", expansion=EXPANSION)
        cfg.update({"init_state": True, "out_bias": True})
        if lstm:
            cfg.update({"no_coeff_norm": True, "forget_bias": 3})
        make_fixture(name + "_official", cfg, B, T, seed, build(lstm))
