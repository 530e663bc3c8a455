package nn

import (
	"math"

	"rnnbench/internal/tensor"
)

// RMSNorm is y = x / √(mean(x²) + ε) ⊙ W over the last dimension
// (Zhang & Sennrich 2019, eq. 4; PyTorch nn.RMSNorm). W is registered with
// Decay false and initialised to 1.
type RMSNorm[F tensor.Float] struct {
	D    int
	Eps  float64          // ε, 1e-5 by default
	W    *tensor.Param[F] // [D]
	Rstd []F              // [M] 1/√(mean(x²)+ε) per row, kept from Forward for Backward
}

// NewRMSNorm registers name+".weight" ([D]) in ps, with ε = 1e-5.
func NewRMSNorm[F tensor.Float](ps *tensor.ParamSet[F], name string, D int) *RMSNorm[F] {
	return &RMSNorm[F]{D: D, Eps: 1e-5, W: ps.New(name+".weight", false, D)}
}

// Init sets W = 1.
func (n *RMSNorm[F]) Init() { tensor.Fill(n.W.Data, 1) }

// Alloc makes Rstd ([M], Activation) for up to M rows.
func (n *RMSNorm[F]) Alloc(a *tensor.Arena[F], M int) {
	n.Rstd = a.Make(tensor.Activation, M)
}

// Forward overwrites y with the normalised rows of x and records Rstd.
// x, y: [M, D]. The sum of squares is taken in float64. It panics if x or
// y is shorter than M·D or M exceeds the rows given to Alloc.
func (n *RMSNorm[F]) Forward(y, x []F, M int) {
	n.check(x, y, M)
	if split(M, rowGrain(n.D)) {
		tensor.For(M, rowGrain(n.D), func(lo, hi int) { n.forwardRows(y, x, lo, hi) })
		return
	}
	n.forwardRows(y, x, 0, M)
}

func (n *RMSNorm[F]) forwardRows(y, x []F, lo, hi int) {
	D, w := n.D, n.W.Data
	for m := lo; m < hi; m++ {
		xr, yr := x[m*D:(m+1)*D], y[m*D:(m+1)*D]
		var ss float64
		for _, v := range xr {
			ss += float64(v) * float64(v)
		}
		r := F(1 / math.Sqrt(ss/float64(D)+n.Eps))
		n.Rstd[m] = r
		for i, v := range xr {
			yr[i] = v * r * w[i]
		}
	}
}

// Backward accumulates, with r = Rstd[m] from the Forward on the same x,
//
//	dx_i += r·W_i·dy_i − r³·x_i·(1/D)·Σ_j W_j·dy_j·x_j
//	dW_i += Σ_m dy_mi·x_mi·r_m
//
// x, dx, dy: [M, D]. dx is parallel over rows; dW is parallel over columns
// and sequential over rows, so both are bit-identical for any GOMAXPROCS.
// It panics like Forward.
func (n *RMSNorm[F]) Backward(dx, dy, x []F, M int) {
	n.check(x, dy, M)
	if len(dx) < M*n.D {
		panic("nn: RMSNorm.Backward shape mismatch")
	}
	if split(M, rowGrain(n.D)) {
		tensor.For(M, rowGrain(n.D), func(lo, hi int) { n.backwardRows(dx, dy, x, lo, hi) })
	} else {
		n.backwardRows(dx, dy, x, 0, M)
	}
	cg := max(1, parGrain/max(M, 1))
	if split(n.D, cg) {
		tensor.For(n.D, cg, func(lo, hi int) { n.backwardW(dy, x, M, lo, hi) })
	} else {
		n.backwardW(dy, x, M, 0, n.D)
	}
}

func (n *RMSNorm[F]) backwardRows(dx, dy, x []F, lo, hi int) {
	D, w := n.D, n.W.Data
	for m := lo; m < hi; m++ {
		xr, dyr, dxr := x[m*D:(m+1)*D], dy[m*D:(m+1)*D], dx[m*D:(m+1)*D]
		var dot float64
		for i, v := range xr {
			dot += float64(w[i]) * float64(dyr[i]) * float64(v)
		}
		r := float64(n.Rstd[m])
		c := r * r * r * dot / float64(D)
		for i, v := range xr {
			dxr[i] += F(r*float64(w[i])*float64(dyr[i]) - c*float64(v))
		}
	}
}

func (n *RMSNorm[F]) backwardW(dy, x []F, M, lo, hi int) {
	D, dw := n.D, n.W.Grad[lo:hi]
	for m := 0; m < M; m++ {
		r := n.Rstd[m]
		xr, dyr := x[m*D+lo:m*D+hi], dy[m*D+lo:m*D+hi]
		for i := range dw {
			dw[i] += dyr[i] * xr[i] * r
		}
	}
}

func (n *RMSNorm[F]) check(x, y []F, M int) {
	if len(x) < M*n.D || len(y) < M*n.D || M > len(n.Rstd) {
		panic("nn: RMSNorm shape mismatch or Alloc not called")
	}
}
