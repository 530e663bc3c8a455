package tensor_test

import (
	"testing"

	"rnnbench/internal/tensor"
)

// BenchmarkGemmShapes times Gemm (the registered backend, on GOMAXPROCS
// workers) for the matmul shapes of a training step in the table
// configuration of docs/speed.md (B = 16, T = 1024: M = B·T = 16384 rows;
// D = E = 64, V = 16), next to a square 1024³ product, and reports
// GFLOP/s: the limit of the matmul phase for each shape. Names give
// op(A) [m, k] · op(B) [k, n]; "ᵀ" marks a transposed operand as the
// backward passes use them (dX = dY·W, dW = Xᵀ·dY).
func BenchmarkGemmShapes(b *testing.B) {
	const M = 16384
	shapes := []struct {
		name    string
		tA, tB  bool
		m, n, k int
	}{
		{"square/1024x1024x1024", false, false, 1024, 1024, 1024},
		{"fwd/in-proj/M×64·64×128", false, true, M, 128, 64},  // minGRU k_z|k_h
		{"fwd/in-proj/M×64·64×192", false, true, M, 192, 64},  // minLSTM, GRU input gates (3E)
		{"fwd/out-proj/M×64·64×64", false, true, M, 64, 64},   // E → D
		{"fwd/head/M×64·64×16", false, true, M, 16, 64},       // D → V
		{"bwd/dX/M×128·128×64", false, false, M, 64, 128},     // dY·W of the in-proj
		{"bwd/dW/64×M·M×128", true, false, 128, 64, M},        // dYᵀ·X of the in-proj
		{"bwd/dW/64×M·M×16", true, false, 16, 64, M},          // head
		{"wide/fwd/M×256·256×512", false, true, M, 512, 256},  // D = E = 256 minGRU in-proj
		{"wide/bwd/dW/256×M·M×512", true, false, 512, 256, M}, // its weight gradient
	}
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			a := make([]float32, s.m*s.k)
			w := make([]float32, s.k*s.n)
			c := make([]float32, s.m*s.n)
			for i := range a {
				a[i] = float32(i%7) * 0.1
			}
			for i := range w {
				w[i] = float32(i%5) * 0.1
			}
			lda, ldb := s.k, s.n
			if s.tA {
				lda = s.m
			}
			if s.tB {
				ldb = s.k
			}
			for b.Loop() {
				tensor.Gemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, w, ldb, 0, c, s.n)
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
