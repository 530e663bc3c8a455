package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// The tiling of a float32 Gemm changes no bit of C: for the shapes of a
// training step (forward x·Wᵀ, dX = dY·W, the weight gradients dYᵀ·X
// with few rows and long k, which gemmTiling cuts so that both cores
// work), C accumulated by Gemm (beta 1, on 1 and 2 workers) equals the
// backend's untiled serial result bit for bit. The reference is one
// Sgemm call per row of C for gonum (its serial kernels compute each
// element the same way whatever the rows and columns around it, and a
// single row never goes parallel) and one call of the whole product for
// OpenBLAS (single-threaded).
func TestGemmTilingBits(t *testing.T) {
	gonum := strings.HasPrefix(Backend(), "gonum")
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range []struct {
		tA, tB  bool
		m, n, k int
	}{
		{true, false, 128, 64, 8192},  // dW of an in-projection, E = 2·64 → D = 64
		{true, false, 64, 128, 8192},  // dW of an out-projection
		{true, false, 16, 64, 8192},   // dW of the head, V = 16
		{true, false, 512, 256, 4096}, // dW at D = 256
		{false, true, 4096, 128, 64},  // forward x·Wᵀ
		{false, false, 4096, 64, 128}, // dX = dY·W
	} {
		name := fmt.Sprintf("%dx%dx%d tA=%v tB=%v", s.m, s.n, s.k, s.tA, s.tB)
		mt, nt := gemmTiling(s.m, s.n, s.k)
		if tiles := ((s.m + mt - 1) / mt) * ((s.n + nt - 1) / nt); tiles < 2 {
			t.Errorf("%s: %d tile (%d×%d), want at least 2 so that both cores work", name, tiles, mt, nt)
		}
		lda, ldb := s.k, s.n
		if s.tA {
			lda = s.m
		}
		if s.tB {
			ldb = s.k
		}
		a, b, c0 := make([]float32, s.m*s.k), make([]float32, s.k*s.n), make([]float32, s.m*s.n)
		for _, x := range [][]float32{a, b, c0} {
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
		}
		want := append([]float32(nil), c0...)
		impl := blas32.Implementation()
		if gonum {
			for i := 0; i < s.m; i++ {
				as, _ := tileAB(s.tA, s.tB, i, 0, lda, ldb, a, b)
				impl.Sgemm(trans(s.tA), trans(s.tB), 1, s.n, s.k, 1, as, lda, b, ldb, 1, want[i*s.n:], s.n)
			}
		} else {
			impl.Sgemm(trans(s.tA), trans(s.tB), s.m, s.n, s.k, 1, a, lda, b, ldb, 1, want, s.n)
		}
		for _, procs := range []int{1, 2} {
			got := append([]float32(nil), c0...)
			func() {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				Gemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, b, ldb, 1, got, s.n)
			}()
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Errorf("%s, GOMAXPROCS %d: C[%d] = %v tiled (%d×%d tiles), %v untiled", name, procs, i, got[i], mt, nt, want[i])
					break
				}
			}
		}
	}
}
