// Package modeltest is the conformance suite every sequence mixer passes,
// in the style of gonum's blas/testblas: each mixer's test calls
// Conformance with a small Config, and CheckTorchFixture with its PyTorch
// reference in testdata/torch.
//
// Conformance checks, for every training mode of the mixer:
//   - shapes: Forward fills y: [B, T, D] with finite values, and a shorter
//     Forward (B' ≤ B, T' ≤ T than Alloc) gives the same prefix;
//   - causality: changing x at position t changes no output before t, bit
//     for bit, and does change the output at t;
//   - gradients: float64 central finite differences for every parameter
//     element and every input element, against Backward, and Backward
//     accumulates (+=) rather than overwrites;
//   - recurrence: Forward equals step-by-step Step through the inference
//     state, and Reset restarts it;
//   - determinism: in float32, the same seed gives the same bits run to run
//     and with GOMAXPROCS 1 and 2;
//   - modes: every mode equals the first in outputs and gradients.
package modeltest
