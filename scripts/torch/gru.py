#!/usr/bin/python3
"""PyTorch reference for rnnbench's GRU mixer (models/gru.go).

Writes testdata/torch/gru.json from torch.nn.GRU (single layer,
batch_first=True, float64, default init) followed by
nn.Linear(E, D, bias=False), with D=4, expansion 2 (E=8), B=2, T=5:

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h,  h_0 = 0;  y = W_out h'

Run with Debian's PyTorch:  /usr/bin/python3 scripts/torch/gru.py
(from anywhere; it writes relative to the repository root).
"""

import torch

from common import rnn_fixture, write_fixture

if __name__ == "__main__":
    write_fixture("gru", rnn_fixture("gru", torch.nn.GRU, D=4, expansion=2, B=2, T=5, seed=20241001))
