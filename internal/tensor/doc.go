// Package tensor is rnnbench's float compute core: flat slices with shapes
// in comments, a generic matmul over gonum's blas32/blas64 (pure Go, or
// OpenBLAS under the openblas build tag: backend_openblas.go), a counted
// allocator for activations, a parameter slab, a deterministic parallel
// loop, and fast float32 transcendentals: scalar (fastmath.go) and vector
// kernels in AVX2 assembly with portable fallbacks (vmath.go), each with
// its maximum error measured against float64 math by the tests.
//
// Conventions (stated once, as in gonum/mat):
//   - Dimension names: B batch, T sequence length, D model width, E hidden
//     width (expansion·D), V vocabulary, N state size, H heads, L layers.
//   - Every tensor is a flat []F in row-major order; its shape is written in
//     a comment beside it, e.g. x: [B, T, D] means x[(b*T+t)*D+d].
//   - F is float32 for training and benchmarking and float64 for
//     finite-difference gradient checks; the same code serves both.
//   - Backward passes accumulate (+=) into input gradients and parameter
//     gradients, as in llm.c; callers zero them.
//   - Functions panic on shape mismatches (programmer errors), as gonum does.
package tensor
