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

.PHONY: run test bench sweep fixtures vet ci baseline benchstat figures

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

# Show that benchstat reads rnnbench's benchmark-format output as it is: two tiny runs and two
# tiny sweeps, each pair concatenated (`cat a/results.bench b/results.bench`), read as repetitions
# of the same benchmarks with confidence intervals; and the CI baseline. Fails if benchstat exits
# non-zero, reports anything on stderr, or shows an interval of ±∞ (too few repetitions).
BENCHSTAT_VERSION = v0.0.0-20260908200009-22c9c6c9d4da
benchstat:
	$(GO) install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)
	@set -e; bin="$$($(GO) env GOBIN)"; [ -n "$$bin" ] || bin="$$($(GO) env GOPATH)/bin"; \
	tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	$(GO) build -o "$$tmp/bench" ./cmd/bench; \
	for r in a b; do \
		"$$tmp/bench" run --quiet --seq-len 16 --copy-tokens 2 --dim 8 --layers 1 --batch 4 --steps 12 \
			--eval-every 6 --eval-batches 2 --model mingru,gru --out "$$tmp/run-$$r" >/dev/null 2>&1; \
		"$$tmp/bench" run --task sweep --quiet --model mingru --mode parallel --lengths 16,32 --dim 8 --layers 1 \
			--batch 2 --repeats 6 --out "$$tmp/sweep-$$r" >/dev/null 2>&1; \
	done; \
	cat "$$tmp/run-a/results.bench" "$$tmp/run-b/results.bench" > "$$tmp/runs.bench"; \
	cat "$$tmp/sweep-a/results.bench" "$$tmp/sweep-b/results.bench" > "$$tmp/sweeps.bench"; \
	for f in "$$tmp/runs.bench" "$$tmp/sweeps.bench" testdata/ci/baseline.txt; do \
		echo "== benchstat $$(basename $$f)"; "$$bin/benchstat" "$$f" 2>"$$tmp/err" | tee "$$tmp/out"; \
		if [ -s "$$tmp/err" ]; then cat "$$tmp/err"; exit 1; fi; \
		if [ "$$f" != testdata/ci/baseline.txt ] && grep -q '∞' "$$tmp/out"; then echo "benchstat shows ±∞ for $$f"; exit 1; fi; \
	done

# The README's figures (docs/figures): one of each kind, from a small seeded run (3 models, 200
# steps of selective copying at T=64) and a small sweep (3 models, T 64..1024), as PNG and SVG. The
# loss curves are bit-reproducible on the same goarch, Go version and matmul backend; the sweep's
# timings are this machine's, as each caption says. About two minutes on 2 cores.
FIGURES = docs/figures
figures:
	@set -e; tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
	$(GO) build -o "$$tmp/bench" ./cmd/bench; \
	"$$tmp/bench" run --quiet --task selective-copy --model mingru,gru,transformer --dim 32 --layers 2 --batch 16 \
		--steps 200 --eval-every 25 --eval-batches 4 --out "$$tmp/run" >/dev/null; \
	"$$tmp/bench" run --quiet --task sweep --model mingru,minlstm,gru,transformer --mode parallel --lengths 64,128,256,512,1024 \
		--dim 32 --layers 1 --batch 4 --out "$$tmp/sweep" >/dev/null; \
	mkdir -p $(FIGURES); \
	for f in run/loss sweep/sweep_train sweep/sweep_inference sweep/sweep_memory; do \
		cp "$$tmp/$$f.png" "$$tmp/$$f.svg" $(FIGURES)/; \
	done; \
	echo "wrote $(FIGURES): loss, sweep_train, sweep_inference, sweep_memory (.png, .svg)"
