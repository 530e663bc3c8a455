package tensor

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// Float is the element type of every tensor: float32 for training, float64
// for gradient checks.
type Float interface{ ~float32 | ~float64 }

// SizeOf returns the size in bytes of one element of type F.
func SizeOf[F Float]() int64 {
	var z F
	if _, ok := any(z).(float32); ok {
		return 4
	}
	return 8
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// Gemm computes C = alpha·op(A)·op(B) + beta·C in row-major order, where
// op(A) is [m, k], op(B) is [k, n] and C is [m, n]; tA and tB say whether A
// and B are stored transposed. lda, ldb, ldc are the row strides. It calls
// the registered blas32 implementation for float32 (gonum's pure-Go one by
// default, OpenBLAS under the openblas build tag) and blas64 for float64.
//
// C is cut into tiles (gemmTiling: sizes depend only on m, n, k and the
// backend) and each tile is one BLAS call; for float32 the tiles run on
// For's pool. Every element of C is computed by one call, so the result
// does not depend on GOMAXPROCS. With gonum the tiles are small enough
// that gonum never starts its own goroutines (which allocate); with either
// backend Gemm makes no heap allocation.
func Gemm[F Float](tA, tB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	switch av := any(a).(type) {
	case []float32:
		gemm32(tA, tB, m, n, k, float32(alpha), av, lda, any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		bv, cv := any(b).([]float64), any(c).([]float64)
		mt, nt := gemmTiling(m, n, k)
		for i := 0; i < m; i += mt {
			for j := 0; j < n; j += nt {
				as, bs := tileAB(tA, tB, i, j, lda, ldb, av, bv)
				blas64.Implementation().Dgemm(trans(tA), trans(tB), min(mt, m-i), min(nt, n-j), k, float64(alpha), as, lda,
					bs, ldb, float64(beta), cv[i*ldc+j:], ldc)
			}
		}
	}
}

// gemmTiling returns the tile rows mt and columns nt of an [m, n] product
// over k; set by the backend.
var gemmTiling = gonumTiling

// gonumTiling keeps each tile below the size at which gonum's Sgemm goes
// parallel (4 blocks of 64×64, gonum/blas/gonum sgemmParallel): gonum
// then computes each tile serially, and every element of C exactly as
// its serial Sgemm of the whole product would (the dot products or axpys
// run over the full k in the same order), so tiling does not change the
// result.
//
// A product with few rows (a weight gradient dW = dYᵀ·X: [Out, In] over
// k = B·T) would be one or two tiles, i.e. one core; when it is large
// enough to be worth the pool (gemmSplitFLOPs), its rows are cut further
// (tiles of at least 8 rows, at least 4 tiles in all), never its
// columns: gonum's inner loops run along the rows of C, and shorter rows
// run slower.
func gonumTiling(m, n, k int) (mt, nt int) {
	switch {
	case n <= 64:
		mt, nt = 192, n
	case n <= 192:
		mt, nt = 64, n
	default:
		mt, nt = 64, 192
	}
	cols := (n + nt - 1) / nt
	if rows := (m + mt - 1) / mt; rows*cols < 4 && 2*m*n*k >= gemmSplitFLOPs && m >= 16 {
		want := (4 + cols - 1) / cols // row tiles
		mt = max(8, (m+want-1)/want)
	}
	return mt, nt
}

// gemmSplitFLOPs is the size (2·m·n·k) from which a product with too few
// tiles is cut further so that both cores work on it.
const gemmSplitFLOPs = 4 << 20

// openblasTiling splits products of at least 8 MFLOP along their longer
// side of C into tiles of at least 8 MFLOP each (a multiple of 16 wide),
// at most 16 and an even number: enough for two workers with dynamic
// scheduling, which on a shared machine keeps both busy when one is
// slowed, and few enough that re-packing the shared operand per tile
// costs little (the forward and dX products over B·T rows re-pack only a
// weight of k × the shorter side). Each tile packs the whole of the other
// operand (k × the shorter side), so where the longer side is short — the
// weight gradients dW = dYᵀ·X, C [Out, In] over k = B·T — tiles are kept
// at least openblasMinTile long (2 tiles, one per core, if that leaves
// fewer than 2): the 512×256 dW over k = 16384 ran ~15% faster inside a
// training step in 2 tiles than in 4 (docs/speed.md, Round 2). OpenBLAS
// computes each element of C the same way whatever the tile (checked for
// the step's shapes by TestGemmTilingBits), so the tiling changes no bit.
func openblasTiling(m, n, k int) (mt, nt int) {
	flops := 2 * m * n * k
	tiles, most := min(16, flops/(8<<20)), max(2, max(m, n)/openblasMinTile)
	if tiles <= 1 {
		return m, n
	}
	if tiles = min(tiles, most); tiles&1 == 1 { // 3 tiles on 2 cores leave one idle a third of the time
		if tiles+1 <= most {
			tiles++
		} else {
			tiles--
		}
	}
	if m >= n {
		return min(m, (m/tiles+15)&^15), n
	}
	return m, min(n, (n/tiles+15)&^15)
}

// openblasMinTile is the shortest tile side openblasTiling cuts to when
// it can still make 2 tiles.
const openblasMinTile = 256

// tileAB returns the parts of A and B that the tile at row i, column j of
// C reads.
func tileAB[F Float](tA, tB bool, i, j, lda, ldb int, a, b []F) (as, bs []F) {
	if tA {
		as = a[i:]
	} else {
		as = a[i*lda:]
	}
	if tB {
		bs = b[j*ldb:]
	} else {
		bs = b[j:]
	}
	return as, bs
}

// gemm32Tiles computes tiles [lo, hi) of a float32 Gemm: C is cut into
// row tiles of mt and column tiles of nt, cols tiles per row of tiles.
type gemm32Tiles struct {
	tA, tB        bool
	m, n, k       int
	alpha, beta   float32
	a, b, c       []float32
	lda, ldb, ldc int
	mt, nt, cols  int
}

func (g gemm32Tiles) Run(lo, hi int) {
	for t := lo; t < hi; t++ {
		i, j := (t/g.cols)*g.mt, (t%g.cols)*g.nt
		gemm32Tile(g.tA, g.tB, i, j, min(g.mt, g.m-i), min(g.nt, g.n-j), g.k, g.alpha, g.a, g.lda, g.b, g.ldb, g.beta, g.c, g.ldc)
	}
}

func gemm32Tile(tA, tB bool, i, j, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	as, bs := tileAB(tA, tB, i, j, lda, ldb, a, b)
	blas32.Implementation().Sgemm(trans(tA), trans(tB), m, n, k, alpha, as, lda, bs, ldb, beta, c[i*ldc+j:], ldc)
}

func gemm32(tA, tB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mt, nt := gemmTiling(m, n, k)
	rows, cols := (m+mt-1)/mt, (n+nt-1)/nt
	tiles := rows * cols
	if tiles == 1 {
		blas32.Implementation().Sgemm(trans(tA), trans(tB), m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	ForWith(tiles, 1, gemm32Tiles{tA, tB, m, n, k, alpha, beta, a, b, c, lda, ldb, ldc, mt, nt, cols})
}

// MatMul is the common case of Gemm with packed strides:
// C[m, n] (+)= op(A)·op(B), beta 0 overwrites C and beta 1 accumulates.
func MatMul[F Float](tA, tB bool, m, n, k int, a, b []F, beta F, c []F) {
	lda, ldb := k, n
	if tA {
		lda = m
	}
	if tB {
		ldb = k
	}
	Gemm(tA, tB, m, n, k, 1, a, lda, b, ldb, beta, c, n)
}

// Add accumulates y += x elementwise; len(x) must equal len(y).
func Add[F Float](y, x []F) {
	if len(x) != len(y) {
		panic("tensor: Add length mismatch")
	}
	for i, v := range x {
		y[i] += v
	}
}
