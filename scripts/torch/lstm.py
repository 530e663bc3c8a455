#!/usr/bin/python3
"""PyTorch reference for rnnbench's LSTM mixer (models/lstm.go).

References torch.nn.LSTM (https://pytorch.org/docs/1.13/generated/torch.nn.LSTM.html):
writes testdata/torch/lstm.json from nn.LSTM (single layer, batch_first=True,
float64, default init) followed by nn.Linear(E, D, bias=False), with D=4,
expansion 2 (E=8), B=2, T=5:

    i, f, g, o = sigmoid, sigmoid, tanh, sigmoid of (W_i* x + b_i* + W_h* h + b_h*)
    c' = f * c + i * g,  h' = o * tanh(c'),  h_0 = c_0 = 0;  y = W_out h'

Regenerate from the repository root with Debian's PyTorch (torch 1.13):
    /usr/bin/python3 scripts/torch/lstm.py
"""

import torch

from common import rnn_fixture

if __name__ == "__main__":
    rnn_fixture("lstm", torch.nn.LSTM, 20241002)
