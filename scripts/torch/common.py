"""Shared fixture writer for rnnbench's PyTorch references of the classic
RNN mixers (scripts/torch/gru.py, scripts/torch/lstm.py).

A fixture (read by models/modeltest.CheckTorchFixture) is one JSON object:

    {"config": {...models.Config...}, "B": B, "T": T,
     "params": {go_name: flat row-major values},
     "x": [B*T*D], "y": [B*T*D], "dy": [B*T*D], "dx": [B*T*D],
     "grads": {go_name: flat values}}

where dx and grads are the gradients of sum(y * dy), all in float64.
"""

import json
import os

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def flat(t):
    """Detached row-major values of t as a list of floats."""
    return t.detach().reshape(-1).tolist()


def rnn_fixture(mixer, rnn_cls, D, expansion, B, T, seed):
    """Runs rnn_cls (nn.GRU or nn.LSTM, single layer, batch_first) followed by
    nn.Linear(E, D, bias=False) in float64 with PyTorch's default init, and
    returns the fixture dict with parameters named as the Go mixer registers
    them under prefix "mixer"."""
    torch.manual_seed(seed)
    f64 = torch.float64
    E = expansion * D
    rnn = rnn_cls(D, E, num_layers=1, batch_first=True, dtype=f64)
    out = torch.nn.Linear(E, D, bias=False, dtype=f64)
    # torch name -> Go name; the out projection is the identity when E == D.
    names = {
        "weight_ih_l0": "mixer.weight_ih",
        "weight_hh_l0": "mixer.weight_hh",
        "bias_ih_l0": "mixer.bias_ih",
        "bias_hh_l0": "mixer.bias_hh",
    }
    params = {names[k]: p for k, p in rnn.named_parameters()}
    if E != D:
        params["mixer.out.weight"] = out.weight

    x = torch.randn(B, T, D, dtype=f64, requires_grad=True)    # [B, T, D]
    h, _ = rnn(x)                                               # [B, T, E], h_0 = c_0 = 0
    y = out(h) if E != D else h                                 # [B, T, D]
    dy = torch.randn(B, T, D, dtype=f64)
    (y * dy).sum().backward()

    return {
        "config": {"mixer": mixer, "mode": "", "V": 0, "L": 1, "D": D,
                   "expansion": expansion, "H": 0, "N": 0, "mlp": 0, "dropout": 0},
        "B": B, "T": T,
        "params": {k: flat(p) for k, p in params.items()},
        "x": flat(x), "y": flat(y), "dy": flat(dy), "dx": flat(x.grad),
        "grads": {k: flat(p.grad) for k, p in params.items()},
    }


def write_fixture(name, fixture):
    """Writes fixture to testdata/torch/<name>.json under the repository root."""
    path = os.path.join(ROOT, "testdata", "torch", name + ".json")
    with open(path, "w") as fh:
        json.dump(fixture, fh)
        fh.write("\n")
    print("wrote", os.path.normpath(path))
