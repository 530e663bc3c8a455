"""Shared harness for rnnbench's PyTorch fixture scripts (scripts/torch/*.py).

Each script defines only its model: a build() that creates the parameters
under the names the Go mixer registers them (prefix "mixer") and returns
them with the forward function; make_fixture() does the rest. A fixture
(read by models/modeltest.CheckTorchFixture) is one JSON object:

    {"config": {...models.Config...}, "B": B, "T": T,
     "params": {go_name: flat row-major values},
     "x": [B*T*D], "y": [B*T*D], "dy": [B*T*D], "dx": [B*T*D],
     "grads": {go_name: flat values}}

where dx and grads are the gradients of sum(y * dy), all in float64.

The random stream is consumed in a fixed order, which the fixtures depend
on: torch.manual_seed(seed), then whatever build() draws (parameter init),
then x, then dy. The forward pass draws nothing (no dropout).

This module is not a script (the Makefile skips it); run the others with
/usr/bin/python3 from the repository root.
"""

import json
import os

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
F64 = torch.float64


def flat(t):
    """Detached row-major values of t as a list of floats."""
    return t.detach().reshape(-1).tolist()


def config(mixer, D, mode="", expansion=1, H=0, N=0):
    """The fixture's models.Config: one layer, no vocabulary, MLP or dropout."""
    return {"mixer": mixer, "mode": mode, "V": 0, "L": 1, "D": D,
            "expansion": expansion, "H": H, "N": N, "mlp": 0, "dropout": 0}


def make_fixture(name, cfg, B, T, seed, build):
    """Seeds torch, calls build() -> (params, forward) with params a dict
    {go_name: tensor} in fixture order and forward(x [B, T, D]) -> y [B, T, D],
    draws x and dy, backpropagates sum(y * dy) and writes
    testdata/torch/<name>.json."""
    torch.manual_seed(seed)
    params, forward = build()
    for p in params.values():
        p.requires_grad_()
    D = cfg["D"]
    x = torch.randn(B, T, D, dtype=F64, requires_grad=True)     # [B, T, D]
    y = forward(x)                                              # [B, T, D]
    dy = torch.randn(B, T, D, dtype=F64)
    (y * dy).sum().backward()
    write_fixture(name, {
        "config": cfg,
        "B": B, "T": T,
        "params": {k: flat(p) for k, p in params.items()},
        "x": flat(x), "y": flat(y), "dy": flat(dy), "dx": flat(x.grad),
        "grads": {k: flat(p.grad) for k, p in params.items()},
    })


def write_fixture(name, fixture):
    """Writes fixture to testdata/torch/<name>.json under the repository root."""
    path = os.path.join(ROOT, "testdata", "torch", name + ".json")
    with open(path, "w") as fh:
        json.dump(fixture, fh)
        fh.write("\n")
    print("wrote", os.path.normpath(path))


def torch_rnn(rnn_cls, D, E):
    """build() for nn.GRU / nn.LSTM (single layer, batch_first, float64,
    default init, h_0 = c_0 = 0) followed by nn.Linear(E, D, bias=False),
    which is the identity (and has no parameter) when E == D."""
    def build():
        rnn = rnn_cls(D, E, num_layers=1, batch_first=True, dtype=F64)
        out = torch.nn.Linear(E, D, bias=False, dtype=F64)
        # torch name -> Go name
        names = {
            "weight_ih_l0": "mixer.weight_ih",
            "weight_hh_l0": "mixer.weight_hh",
            "bias_ih_l0": "mixer.bias_ih",
            "bias_hh_l0": "mixer.bias_hh",
        }
        params = {names[k]: p for k, p in rnn.named_parameters()}
        if E != D:
            params["mixer.out.weight"] = out.weight

        def forward(x):
            h, _ = rnn(x)                                       # [B, T, E]
            return out(h) if E != D else h
        return params, forward
    return build


def rnn_fixture(name, rnn_cls, seed, D=4, expansion=2, B=2, T=5):
    """Writes testdata/torch/<name>.json for rnnbench's GRU or LSTM mixer
    (name "gru" or "lstm") from rnn_cls (torch.nn.GRU or torch.nn.LSTM)
    through torch_rnn, with D=4, expansion 2 (E=8), B=2, T=5."""
    make_fixture(name, config(name, D, expansion=expansion), B, T, seed,
                 torch_rnn(rnn_cls, D, expansion * D))


def min_g(x):
    """The paper's positive activation for the candidate state (Feng et al.
    2024, section 3): g(x) = x + 0.5 if x >= 0 else sigmoid(x)."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def min_sequential(D, E, B, gates, coeffs):
    """build() for a minGRU / minLSTM fixture in the sequential form:
    k = nn.Linear(D, gates*E)(x) (default init, rows gate by gate),
    (a, b) = coeffs(k) each [B, T, E], h_t = a_t * h_{t-1} + b_t from
    h_0 = 0, y = nn.Linear(E, D, bias=False)(h)."""
    def build():
        lin_in = torch.nn.Linear(D, gates * E, dtype=F64)
        lin_out = torch.nn.Linear(E, D, bias=False, dtype=F64)
        params = {"mixer.in.weight": lin_in.weight, "mixer.in.bias": lin_in.bias,
                  "mixer.out.weight": lin_out.weight}

        def forward(x):
            a, b = coeffs(lin_in(x))                          # [B, T, E] each
            h = torch.zeros(B, E, dtype=F64)
            hs = []
            for t in range(x.shape[1]):
                h = a[:, t] * h + b[:, t]
                hs.append(h)
            return lin_out(torch.stack(hs, dim=1))            # [B, T, D]
        return params, forward
    return build
