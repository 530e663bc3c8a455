#!/usr/bin/python3
"""PyTorch reference for rnnbench's GRU mixer (models/gru.go).

References torch.nn.GRU (https://pytorch.org/docs/1.13/generated/torch.nn.GRU.html):
writes testdata/torch/gru.json from nn.GRU (single layer, batch_first=True,
float64, default init) followed by nn.Linear(E, D, bias=False), with D=4,
expansion 2 (E=8), B=2, T=5:

    r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h,  h_0 = 0;  y = W_out h'

Regenerate from the repository root with Debian's PyTorch (torch 1.13):
    /usr/bin/python3 scripts/torch/gru.py
"""

import torch

from common import rnn_fixture

if __name__ == "__main__":
    rnn_fixture("gru", torch.nn.GRU, 20241001)
