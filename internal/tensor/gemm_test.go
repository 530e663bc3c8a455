package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// naiveGemm is the reference: C = alpha·op(A)·op(B) + beta·C in float64.
func naiveGemm(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float64
			for l := 0; l < k; l++ {
				ia, ib := i*lda+l, l*ldb+j
				if tA {
					ia = l*lda + i
				}
				if tB {
					ib = j*ldb + l
				}
				av, bv := a[ia], b[ib]
				s += av * bv
			}
			c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
		}
	}
}

// Gemm equals the naive product for every transpose combination, with
// strides wider than the operands, at sizes that are cut into many tiles,
// in float32 (with 1 and 2 workers, bit-identical) and float64.
func TestGemmTiledEqualsNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][3]int{{3, 5, 7}, {200, 70, 33}, {130, 450, 20}, {64, 64, 300}, {257, 193, 65}} {
		m, n, k := sz[0], sz[1], sz[2]
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				ra, ca := m, k
				if tA {
					ra, ca = k, m
				}
				rb, cb := k, n
				if tB {
					rb, cb = n, k
				}
				lda, ldb, ldc := ca+3, cb+1, n+2
				a64, b64, c64 := make([]float64, ra*lda), make([]float64, rb*ldb), make([]float64, m*ldc)
				for _, x := range [][]float64{a64, b64, c64} {
					for i := range x {
						x[i] = float64(float32(rng.NormFloat64()))
					}
				}
				want := append([]float64(nil), c64...)
				naiveGemm(tA, tB, m, n, k, 0.5, a64, lda, b64, ldb, 2, want, ldc)
				got64 := append([]float64(nil), c64...)
				Gemm(tA, tB, m, n, k, 0.5, a64, lda, b64, ldb, 2, got64, ldc)
				name := fmt.Sprintf("%dx%dx%d tA=%v tB=%v", m, n, k, tA, tB)
				for i := range want {
					if d := math.Abs(got64[i] - want[i]); d > 1e-12*float64(k+1) {
						t.Fatalf("%s float64: C[%d] = %.17g, want %.17g", name, i, got64[i], want[i])
					}
				}
				run32 := func(procs int) []float32 {
					defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
					a, b, c := to32(a64), to32(b64), to32(c64)
					Gemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, c, ldc)
					return c
				}
				c1, c2 := run32(1), run32(2)
				for i := range want {
					if c1[i] != c2[i] {
						t.Fatalf("%s float32: C[%d] = %v with 1 worker, %v with 2", name, i, c1[i], c2[i])
					}
					if d := math.Abs(float64(c1[i]) - want[i]); d > 1e-5*float64(k+1) {
						t.Fatalf("%s float32: C[%d] = %v, want %.9g", name, i, c1[i], want[i])
					}
				}
				// Columns beyond n in each row of C (the stride padding) are untouched.
				for i := 0; i < m; i++ {
					for j := n; j < ldc; j++ {
						if c1[i*ldc+j] != float32(c64[i*ldc+j]) {
							t.Fatalf("%s: padding C[%d, %d] written", name, i, j)
						}
					}
				}
			}
		}
	}
}

func to32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

// A float32 Gemm large enough to be cut into tiles run on the pool makes
// no heap allocation (gonum's own parallel Sgemm would start goroutines).
func TestGemmAllocatesNothing(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	const m, n, k = 1024, 256, 64
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	run := func() {
		for range 5 {
			MatMul(false, false, m, n, k, a, b, 0, c)
			MatMul(false, true, m, k, n, c, b, 0, a)
			MatMul(true, false, k, n, m, a, c, 1, b)
		}
	}
	run() // warm-up: the pool's goroutines
	// The runtime allocates now and then on its own (threads for blocking
	// cgo calls, wait records of blocked goroutines) until its caches fill,
	// so some round of 15 products must allocate nothing; an allocation of
	// Gemm's own would recur in every round.
	least := uint64(1 << 62)
	for range 5 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		run()
		runtime.ReadMemStats(&after)
		if least = min(least, after.Mallocs-before.Mallocs); least == 0 {
			break
		}
	}
	if least != 0 {
		t.Fatalf("at least %d heap allocations in every round of 15 large Gemms, want 0", least)
	}
}

// BenchmarkSgemmPeak measures the float32 matmul rate of square products
// (the peak the training steps are judged against) and of the shapes of
// the PyTorch comparison step (B·T = 16384 rows).
func BenchmarkSgemmPeak(b *testing.B) {
	shapes := []struct {
		name    string
		tA, tB  bool
		m, n, k int
	}{
		{"square512", false, false, 512, 512, 512},
		{"square1024", false, false, 1024, 1024, 1024},
		{"square1536", false, false, 1536, 1536, 1536},
		{"linear16384x128x64", false, true, 16384, 128, 64},   // x·Wᵀ, D=64 → 2E
		{"linear16384x512x256", false, true, 16384, 512, 256}, // D=256 → 2E
		{"dW512x256x16384", true, false, 512, 256, 16384},     // dyᵀ·x
		{"attn1024x1024x64", false, true, 1024, 1024, 64},     // q·kᵀ per head
	}
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			ra, ca := s.m, s.k
			if s.tA {
				ra, ca = s.k, s.m
			}
			rb, cb := s.k, s.n
			if s.tB {
				rb, cb = s.n, s.k
			}
			a, bb, c := make([]float32, ra*ca), make([]float32, rb*cb), make([]float32, s.m*s.n)
			for i := range a {
				a[i] = float32(i%7) - 3
			}
			for i := range bb {
				bb[i] = float32(i%5) - 2
			}
			MatMul(s.tA, s.tB, s.m, s.n, s.k, a, bb, 0, c)
			b.ReportAllocs()
			for b.Loop() {
				MatMul(s.tA, s.tB, s.m, s.n, s.k, a, bb, 0, c)
			}
			b.ReportMetric(2*float64(s.m)*float64(s.n)*float64(s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
