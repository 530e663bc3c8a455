package nn

import (
	"math"
	"runtime"

	"rnnbench/internal/tensor"
)

// GELU, tanh approximation (Hendrycks & Gimpel 2016, eq. in §2; GPT-2's
// gelu; PyTorch nn.GELU(approximate="tanh")):
//
//	gelu(x) = ½·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
//	gelu'(x) = ½·(1 + tanh u) + ½·x·(1 − tanh²u)·√(2/π)·(1 + 3·0.044715·x²)
const (
	geluS = 0.7978845608028654 // √(2/π)
	geluC = 0.044715
)

// parGrain is the number of scalar operations below which a loop runs
// serially; chunks handed to tensor.For hold about this many.
const parGrain = 16384

// split reports whether tensor.For(n, grain, …) would use more than one
// goroutine. Call sites branch on it so that the serial path builds no
// closure: a func literal passed to tensor.For escapes to the heap, and
// the zero-allocation step (measured at GOMAXPROCS 1) must not pay for it.
// The serial path calls the same row body over [0, n), so results are
// bit-identical either way.
func split(n, grain int) bool {
	return n > max(grain, 1) && runtime.GOMAXPROCS(0) > 1
}

// rowGrain returns the rows per chunk for rows of the given width.
func rowGrain(width int) int { return max(1, parGrain/max(width, 1)) }

func gelu(x float64) float64 {
	return 0.5 * x * (1 + math.Tanh(geluS*(x+geluC*x*x*x)))
}

func geluGrad(x float64) float64 {
	t := math.Tanh(geluS * (x + geluC*x*x*x))
	sech2 := 1 - t*t
	if sech2 == 0 { // |u| so large that x·(1+3c·x²) could be ±Inf: the term is 0
		return 0.5 * (1 + t)
	}
	return 0.5*(1+t) + 0.5*x*sech2*geluS*(1+3*geluC*x*x)
}

// GELUForward overwrites y with gelu(x) elementwise (tanh approximation).
// x, y: [n]. It panics if len(y) != len(x).
func GELUForward[F tensor.Float](y, x []F) {
	if len(y) != len(x) {
		panic("nn: GELUForward length mismatch")
	}
	if split(len(x), parGrain) {
		tensor.For(len(x), parGrain, func(lo, hi int) { geluRange(y, x, lo, hi) })
		return
	}
	geluRange(y, x, 0, len(x))
}

func geluRange[F tensor.Float](y, x []F, lo, hi int) {
	for i := lo; i < hi; i++ {
		y[i] = F(gelu(float64(x[i])))
	}
}

// GELUBackward accumulates dx += dy ⊙ gelu'(x), where x is the input that
// was passed to GELUForward. x, dx, dy: [n]. It panics on a length mismatch.
// dx must not alias dy.
func GELUBackward[F tensor.Float](dx, dy, x []F) {
	if len(dx) != len(x) || len(dy) != len(x) {
		panic("nn: GELUBackward length mismatch")
	}
	if split(len(x), parGrain) {
		tensor.For(len(x), parGrain, func(lo, hi int) { geluBackRange(dx, dy, x, lo, hi) })
		return
	}
	geluBackRange(dx, dy, x, 0, len(x))
}

func geluBackRange[F tensor.Float](dx, dy, x []F, lo, hi int) {
	for i := lo; i < hi; i++ {
		dx[i] += dy[i] * F(geluGrad(float64(x[i])))
	}
}

// geluBackwardInPlace overwrites d with d ⊙ gelu'(x). x, d: [n].
func geluBackwardInPlace[F tensor.Float](d, x []F) {
	if len(d) != len(x) {
		panic("nn: geluBackwardInPlace length mismatch")
	}
	if split(len(x), parGrain) {
		tensor.For(len(x), parGrain, func(lo, hi int) { geluScaleRange(d, x, lo, hi) })
		return
	}
	geluScaleRange(d, x, 0, len(x))
}

func geluScaleRange[F tensor.Float](d, x []F, lo, hi int) {
	for i := lo; i < hi; i++ {
		d[i] *= F(geluGrad(float64(x[i])))
	}
}
