#!/usr/bin/python3
"""PyTorch reference for rnnbench's LSTM mixer (models/lstm.go).

Writes testdata/torch/lstm.json from torch.nn.LSTM (single layer,
batch_first=True, float64, default init) followed by
nn.Linear(E, D, bias=False), with D=4, expansion 2 (E=8), B=2, T=5:

    i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of (W_i* x + b_i* + W_h* h + b_h*)
    c' = f * c + i * g,  h' = o * tanh(c'),  h_0 = c_0 = 0;  y = W_out h'

Run with Debian's PyTorch:  /usr/bin/python3 scripts/torch/lstm.py
(from anywhere; it writes relative to the repository root).
"""

import torch

from common import rnn_fixture, write_fixture

if __name__ == "__main__":
    write_fixture("lstm", rnn_fixture("lstm", torch.nn.LSTM, D=4, expansion=2, B=2, T=5, seed=20241002))
