# rnnbench — see README.md.
GO ?= go

.PHONY: run test bench sweep fixtures vet

# The main job: minGRU learns selective copying (quick preset, minutes on 2 cores).
run:
	$(GO) run ./cmd/bench run --task selective-copy

# Every test (unit, conformance, PyTorch fixtures, CLI).
test:
	$(GO) test ./...

# Microbenchmarks of the kernels and each model's training step.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

vet:
	$(GO) vet ./...

# Regenerate the PyTorch reference fixtures in testdata/torch (needs python3-torch).
fixtures:
	for f in scripts/torch/[a-z]*.py; do [ "$$(basename $$f)" = common.py ] || /usr/bin/python3 $$f || exit 1; done
