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
func Gemm[F Float](tA, tB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	switch av := any(a).(type) {
	case []float32:
		blas32.Implementation().Sgemm(trans(tA), trans(tB), m, n, k, float32(alpha), av, lda,
			any(b).([]float32), ldb, float32(beta), any(c).([]float32), ldc)
	case []float64:
		blas64.Implementation().Dgemm(trans(tA), trans(tB), m, n, k, float64(alpha), av, lda,
			any(b).([]float64), ldb, float64(beta), any(c).([]float64), ldc)
	}
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

// Zero sets every element of x to 0.
func Zero[F Float](x []F) {
	clear(x)
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
