# rnnbench — see README.md.
GO ?= go

# Matmul backend (README.md, Speed): OpenBLAS when its development library is
# installed (cgo, build tag openblas; the binary fixes OPENBLAS_CORETYPE
# itself), pure-Go gonum otherwise. Override with `make BLAS=gonum …`.
BLAS ?= $(shell ldconfig -p 2>/dev/null | grep -q 'libopenblas\.so ' && echo openblas || echo gonum)
ifeq ($(BLAS),openblas)
BLASFLAGS = -tags openblas
BLASENV = CGO_LDFLAGS="$(CGO_LDFLAGS) -lopenblas"
endif

.PHONY: run test bench sweep fixtures vet ci baseline benchstat

# The main job: minGRU learns selective copying (quick preset, minutes on 2 cores).
run:
	$(BLASENV) $(GO) run $(BLASFLAGS) ./cmd/bench run --task selective-copy

# Every test (unit, conformance, PyTorch fixtures, CLI).
test:
	$(BLASENV) $(GO) test $(BLASFLAGS) ./...

# Microbenchmarks of the kernels and each model's training step (README.md, Speed).
bench:
	$(BLASENV) $(GO) test $(BLASFLAGS) -run '^$$' -bench . -benchmem ./...

# The quick sequence-length sweep (all models, T 64..1024; about a minute on 2 cores).
sweep:
	$(GO) run ./cmd/bench run --task sweep --preset quick

vet:
	$(GO) vet ./...

# Regenerate the PyTorch reference fixtures in testdata/torch (needs python3-torch).
fixtures:
	for f in scripts/torch/[a-z]*.py; do [ "$$(basename $$f)" = common.py ] || /usr/bin/python3 $$f || exit 1; done

# Regression check: the quick suite against the committed baseline
# (testdata/ci/baseline.txt, see README.md, Regression tracking in CI). Only exact metrics fail; timings warn.
ci:
	$(GO) run ./cmd/bench ci --timing warn

# Rewrite the baseline after an intended change of the models' numerics or sizes; commit it.
baseline:
	$(GO) run ./cmd/bench ci --update-baseline

# Show that benchstat reads rnnbench's benchmark-format output as it is: the results.bench of a
# tiny run and the CI baseline. Fails if benchstat exits non-zero or reports anything on stderr.
BENCHSTAT_VERSION = v0.0.0-20260908200009-22c9c6c9d4da
benchstat:
	$(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)
	@set -e; bin="$$($(GO) env GOBIN)"; [ -n "$$bin" ] || bin="$$($(GO) env GOPATH)/bin"; \
	tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	$(GO) run ./cmd/bench run --quiet --seq-len 16 --copy-tokens 2 --dim 8 --layers 1 --batch 4 --steps 6 \
		--eval-every 3 --eval-batches 2 --out "$$tmp/run" >/dev/null 2>&1; \
	for f in "$$tmp/run/results.bench" testdata/ci/baseline.txt; do \
		echo "== benchstat $$f"; "$$bin/benchstat" "$$f" 2>"$$tmp/err"; \
		if [ -s "$$tmp/err" ]; then cat "$$tmp/err"; exit 1; fi; \
	done
