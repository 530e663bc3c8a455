package nn

import (
	"math"
	"unsafe"

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
// serially; chunks handed to tensor.ForWith hold about this many.
const parGrain = 16384

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
	tensor.ForWith(len(x), parGrain, geluFwd[F]{y, x})
}

// geluFwd is GELUForward over [lo, hi): y = gelu(x).
type geluFwd[F tensor.Float] struct{ y, x []F }

func (k geluFwd[F]) Run(lo, hi int) { geluRange(k.y, k.x, lo, hi) }

// geluBlock is the number of elements the float32 path computes per call
// of the vector tanh (a stack buffer).
const geluBlock = 256

// Float32 constants of the tanh approximation.
const (
	geluS32 = float32(geluS)
	geluC32 = float32(geluC)
)

// geluRange sets y = gelu(x) on [lo, hi): in float64 arithmetic for
// float64, and for float32 in float32 arithmetic with the vector tanh
// (tensor.TanhVec32, within 2.5 ulp).
func geluRange[F tensor.Float](y, x []F, lo, hi int) {
	if tensor.Is32[F]() {
		x32, y32 := as32(x[lo:hi]), as32(y[lo:hi])
		var t [geluBlock]float32
		for off := 0; off < len(x32); off += geluBlock {
			xs := x32[off:min(len(x32), off+geluBlock)]
			u := geluTanh32(t[:len(xs)], xs)
			ys := y32[off : off+len(xs)]
			for i, v := range xs {
				ys[i] = 0.5 * v * (1 + u[i])
			}
		}
		return
	}
	for i := lo; i < hi; i++ {
		y[i] = F(gelu(float64(x[i])))
	}
}

// geluTanh32 sets u[i] = tanh(√(2/π)·(x_i + 0.044715·x_i³)) in float32
// arithmetic with the vector tanh, and returns u. u, xs: [n].
func geluTanh32(u, xs []float32) []float32 {
	for i, v := range xs {
		u[i] = geluS32 * (v + geluC32*v*v*v)
	}
	tensor.TanhVec32(u, u)
	return u
}

// GELUBackward accumulates dx += dy ⊙ gelu'(x), where x is the input that
// was passed to GELUForward. x, dx, dy: [n]. It panics on a length mismatch.
// dx must not alias dy.
func GELUBackward[F tensor.Float](dx, dy, x []F) {
	if len(dx) != len(x) || len(dy) != len(x) {
		panic("nn: GELUBackward length mismatch")
	}
	tensor.ForWith(len(x), parGrain, geluBwd[F]{dx, dy, x, true})
}

// geluBackwardInPlace overwrites d with d ⊙ gelu'(x) (MLP's backward).
// x, d: [n]. It panics on a length mismatch.
func geluBackwardInPlace[F tensor.Float](d, x []F) {
	if len(d) != len(x) {
		panic("nn: geluBackwardInPlace length mismatch")
	}
	tensor.ForWith(len(x), parGrain, geluBwd[F]{d, d, x, false})
}

// geluBwd is geluBackRange over [lo, hi).
type geluBwd[F tensor.Float] struct {
	dx, dy, x []F
	acc       bool
}

func (k geluBwd[F]) Run(lo, hi int) { geluBackRange(k.dx, k.dy, k.x, lo, hi, k.acc) }

// geluBackRange sets dx = dy ⊙ gelu'(x) on [lo, hi), or adds it when acc
// (dx may be dy when not acc). float32 uses the vector tanh, as geluRange.
func geluBackRange[F tensor.Float](dx, dy, x []F, lo, hi int, acc bool) {
	if tensor.Is32[F]() {
		x32, dx32, dy32 := as32(x[lo:hi]), as32(dx[lo:hi]), as32(dy[lo:hi])
		var t [geluBlock]float32
		for off := 0; off < len(x32); off += geluBlock {
			xs := x32[off:min(len(x32), off+geluBlock)]
			u := geluTanh32(t[:len(xs)], xs)
			dxs, dys := dx32[off:off+len(xs)], dy32[off:off+len(xs)]
			for i, v := range xs {
				th := u[i]
				g := 0.5*(1+th) + 0.5*v*(1-th*th)*geluS32*(1+3*geluC32*v*v)
				if th == 1 || th == -1 { // |u| so large that v·(1+3c·v²) could be ±Inf: the term is 0
					g = 0.5 * (1 + th)
				}
				if acc {
					dxs[i] += dys[i] * g
				} else {
					dxs[i] = dys[i] * g
				}
			}
		}
		return
	}
	for i := lo; i < hi; i++ {
		if acc {
			dx[i] += dy[i] * F(geluGrad(float64(x[i])))
		} else {
			dx[i] = dy[i] * F(geluGrad(float64(x[i])))
		}
	}
}

// as32 returns s as []float32; only for F = float32.
func as32[F tensor.Float](s []F) []float32 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&s[0])), len(s))
}
