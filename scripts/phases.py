#!/usr/bin/env python3
"""Where a training step's time goes: a per-phase CPU profile of
BenchmarkTrainStep (models/bench_test.go) for each model at one T.

Usage (repository root; Go and, for the OpenBLAS backend, libopenblas-dev):
    python3 scripts/phases.py [--T 1024] [--steps 60] [--gonum] [model[/mode] ...]

It builds the models test binary (-tags openblas unless --gonum), runs
`BenchmarkTrainStep/<model>/T=<T>` (B=16, D=E=64, V=16, one block: the
table configuration of docs/speed.md) with -cpuprofile for each model, and
sorts every CPU sample of `go tool pprof -traces` into the first phase
whose rule matches any frame of its stack:

    matmul     Sgemm / Gemm / cgocall / C code without a Go stack (OpenBLAS)
    loss+head  SoftmaxCrossEntropy and its rows
    optimiser  internal/optim (AdamW, clipping, gradient norm)
    norms      RMSNorm
    embedding  Embedding
    backbone   residual adds, copies and clears (models/resid.go, or
               Model.Forward/Backward's own loops as the first non-runtime frame)
    mixer      any other frame of package models: gates, log-space
               transforms, scans, attention softmax, conv, RoPE
    runtime    the rest: scheduling, waking workers, GC, spinning

CPU samples count on-CPU time only, so the shares hold on a loaded machine
where wall-clock times do not. Output: one Markdown row per model, each
phase's share of the CPU samples and the CPU ms per step they stand for.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

RULES = [
    ("matmul", re.compile(r"Sgemm|\bGemm|cblas|runtime\.cgocall|_ExternalCode")),
    ("loss+head", re.compile(r"SoftmaxCrossEntropy|ceRows|ceParallel|newCEJob")),
    ("optimiser", re.compile(r"internal/optim\.")),
    ("norms", re.compile(r"RMSNorm|rmsBack|rmsFwd")),
    ("embedding", re.compile(r"Embedding")),
    ("backbone", re.compile(r"models\.\(\*resid")),
    ("mixer", re.compile(r"^rnnbench/models\.(?!\(\*Model|\(\*resid)")),
]
PHASES = [r[0] for r in RULES] + ["runtime"]
DEFAULT = ["mingru/parallel", "mingru/linear", "minlstm/parallel", "minlstm/linear", "gru", "lstm", "transformer", "mamba"]


def parse_ms(s):
    v, unit = re.match(r"([\d.]+)(\w+)", s).groups()
    return float(v) * {"ns": 1e-6, "us": 1e-3, "ms": 1, "s": 1e3}[unit]


def phases(traces):
    """traces: `go tool pprof -traces` text -> {phase: ms}."""
    out = dict.fromkeys(PHASES, 0.0)
    for block in traces.split("-----------+")[1:]:
        lines = [l for l in block.splitlines() if l.strip() and not l.startswith("-")]
        if not lines:
            continue
        m = re.match(r"\s*([\d.]+\w+)\s+(.*)", lines[0])
        if not m:
            continue
        ms, frames = parse_ms(m.group(1)), [m.group(2).strip()] + [l.strip() for l in lines[1:]]
        phase = next((name for name, rx in RULES if any(rx.search(f) for f in frames)), None)
        if phase is None:
            # the backbone's own loops (residual adds, clears) run in
            # Model.Forward/Backward themselves; the rest is the runtime
            own = next((f for f in frames if not f.startswith(("runtime.", "[", "rnnbench/internal/tensor.For",
                                                                "rnnbench/internal/tensor.(*job)", "rnnbench/internal/tensor.worker"))), "")
            phase = "backbone" if own.startswith("rnnbench/models.(*Model") else "runtime"
        out[phase] += ms
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--T", type=int, default=1024)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--gonum", action="store_true")
    ap.add_argument("models", nargs="*", default=DEFAULT)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="rnnbench-phases-")
    binary = os.path.join(tmp, "m.test")
    env = dict(os.environ)
    build = ["go", "test", "-c", "-o", binary, "./models"]
    if not a.gonum:
        build[2:2] = ["-tags", "openblas"]
        env["CGO_LDFLAGS"] = "-lopenblas"
    subprocess.run(build, check=True, env=env)
    print("| model | CPU ms/step | " + " | ".join(PHASES) + " |")
    print("|---|---:|" + "---:|" * len(PHASES))
    for name in a.models:
        prof = os.path.join(tmp, name.replace("/", "_") + ".prof")
        pat = "^BenchmarkTrainStep$/^" + "/".join("^%s$" % p for p in name.split("/")) + "$/^T=%d$" % a.T
        subprocess.run([binary, "-test.run", "^$", "-test.bench", pat, "-test.benchtime", "%dx" % a.steps,
                        "-test.cpuprofile", prof], check=True, cwd=tmp, stdout=subprocess.DEVNULL)
        tr = subprocess.run(["go", "tool", "pprof", "-traces", binary, prof], check=True, capture_output=True, text=True).stdout
        ph = phases(tr)
        total = sum(ph.values())
        # the profile spans a.steps timed steps and about 3 more: testing's
        # first run with b.N = 1 and benchStep's warm-up step in each run
        per = total / (a.steps + 3)
        print("| %s | %.1f | %s |" % (name, per, " | ".join("%.0f%%" % (100 * ph[p] / total) if total else "-" for p in PHASES)))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
