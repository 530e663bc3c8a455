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

// The tilings, by hand: OpenBLAS cuts the longer side into an even number
// of tiles of at least 8 MFLOP, at most 16, and no shorter than 256 unless
// that leaves fewer than 2; gonum cuts the rows of a product with fewer
// than 4 tiles (and at least 4 MFLOP) into at least 4 row tiles of at
// least 8 rows.
func TestGemmTilings(t *testing.T) {
	for _, c := range []struct {
		name    string
		tiling  func(m, n, k int) (int, int)
		m, n, k int
		mt, nt  int
	}{
		{"openblas", openblasTiling, 16384, 512, 256, 1024, 512}, // forward at D = 256: 16 tiles
		{"openblas", openblasTiling, 512, 256, 16384, 256, 256},  // its dW: 2 tiles of 256, not 4
		{"openblas", openblasTiling, 768, 256, 16384, 384, 256},  // minLSTM's dW: 3 would be odd, so 2
		{"openblas", openblasTiling, 128, 64, 16384, 64, 64},     // short sides: still 2 tiles
		{"openblas", openblasTiling, 16, 256, 16384, 16, 128},    // the head's dW, cut along n
		{"openblas", openblasTiling, 1024, 1024, 1024, 256, 1024},
		{"openblas", openblasTiling, 1536, 1536, 1536, 256, 1536}, // 6 tiles
		{"openblas", openblasTiling, 1024, 64, 192, 256, 64},      // 25 MFLOP: 3 tiles, made 4
		{"openblas", openblasTiling, 100, 100, 100, 100, 100},     // 2 MFLOP: one call
		{"gonum", gonumTiling, 128, 64, 16384, 32, 64},
		{"gonum", gonumTiling, 64, 128, 16384, 16, 128},
		{"gonum", gonumTiling, 16, 64, 16384, 8, 64},
		{"gonum", gonumTiling, 64, 256, 16384, 32, 192}, // 2 column tiles: 2 row tiles
		{"gonum", gonumTiling, 16384, 64, 128, 192, 64}, // many tiles already
		{"gonum", gonumTiling, 128, 64, 64, 192, 64},    // 1 MFLOP: one call
		{"gonum", gonumTiling, 12, 64, 16384, 192, 64},  // fewer than 16 rows: not cut
	} {
		if mt, nt := c.tiling(c.m, c.n, c.k); mt != c.mt || nt != c.nt {
			t.Errorf("%s %d×%d×%d: tiles %d×%d, want %d×%d", c.name, c.m, c.n, c.k, mt, nt, c.mt, c.nt)
		}
	}
}
