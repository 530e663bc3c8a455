package nn

import (
	"math"

	"rnnbench/internal/tensor"
)

// RMSNorm is y = x / √(mean(x²) + ε) ⊙ W over the last dimension
// (Zhang & Sennrich 2019, eq. 4; PyTorch nn.RMSNorm). W is registered with
// Decay false and initialised to 1.
//
// With Offset (set before Init and Alloc) the parameter is γ and the scale
// is γ + 1, γ initialised to 0: lucidrains' RMSNorm (minGRU-pytorch,
// `(self.gamma + 1)`), which the official minRNN code credits. The function
// is the same; weight decay then pulls the scale toward 1 instead of 0.
type RMSNorm[F tensor.Float] struct {
	D      int
	Eps    float64          // ε, 1e-5 by default
	W      *tensor.Param[F] // [D]: the scale, or γ with Offset
	Offset bool             // scale = W + 1
	Rstd   []F              // [M] 1/√(mean(x²)+ε) per row, kept from Forward for Backward
	scale  []F              // [D] W + 1 (Offset only), refreshed by Forward and Backward
}

// NewRMSNorm registers name+".weight" ([D]) in ps, with ε = 1e-5.
func NewRMSNorm[F tensor.Float](ps *tensor.ParamSet[F], name string, D int) *RMSNorm[F] {
	return &RMSNorm[F]{D: D, Eps: 1e-5, W: ps.New(name+".weight", false, D)}
}

// Init sets W = 1 (γ = 0 with Offset: the scale is 1 either way).
func (n *RMSNorm[F]) Init() {
	if n.Offset {
		clear(n.W.Data)
		return
	}
	tensor.Fill(n.W.Data, 1)
}

// refreshScale sets scale = W + 1 (Offset only) for the call about to run.
func (n *RMSNorm[F]) refreshScale() {
	if n.Offset {
		for i, g := range n.W.Data {
			n.scale[i] = g + 1
		}
	}
}

// weight returns the scale the rows use: W, or W + 1 (scale) with Offset.
func (n *RMSNorm[F]) weight() []F {
	if n.Offset {
		return n.scale
	}
	return n.W.Data
}

// Alloc makes Rstd ([M], Activation) for up to M rows, and with Offset the
// scale ([D], Scratch).
func (n *RMSNorm[F]) Alloc(a *tensor.Arena[F], M int) {
	n.Rstd = a.Make(tensor.Activation, M)
	if n.Offset {
		n.scale = a.Make(tensor.Scratch, n.D)
	}
}

// wBlock is the number of columns of W one task of dW sums: a cache line
// of float32, so that tasks neither share lines of dW nor read the rows of
// x and dy more than once between them.
const wBlock = 16

// Forward overwrites y with the normalised rows of x and records Rstd.
// x, y: [M, D]. The sum of squares is taken in float64 for float64, and in
// float32 with the vector kernels of internal/tensor for float32 (as are
// Backward's sums). It panics if x or
// y is shorter than M·D or M exceeds the rows given to Alloc.
func (n *RMSNorm[F]) Forward(y, x []F, M int) {
	n.check(x, y, M)
	n.refreshScale()
	tensor.ForWith(M, rowGrain(n.D), rmsFwd[F]{n, y, x})
}

// rmsFwd is Forward over the rows [lo, hi).
type rmsFwd[F tensor.Float] struct {
	n    *RMSNorm[F]
	y, x []F // [M, D]
}

func (k rmsFwd[F]) Run(lo, hi int) { k.n.forwardRows(k.y, k.x, lo, hi) }

func (n *RMSNorm[F]) forwardRows(y, x []F, lo, hi int) {
	D, w := n.D, n.weight()
	if tensor.Is32[F]() {
		w32, r32 := as32(w), as32(n.Rstd)
		for m := lo; m < hi; m++ {
			xr, yr := as32(x[m*D:(m+1)*D]), as32(y[m*D:(m+1)*D])
			r := float32(1 / math.Sqrt(float64(tensor.Dot32(xr, xr))/float64(D)+n.Eps))
			r32[m] = r
			tensor.ScaleMul32(yr, xr, w32, r)
		}
		return
	}
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
// x, dx, dy: [M, D]. dx is parallel over rows; dW is parallel over blocks
// of 16 columns, each summed over the rows in order into a local
// accumulator and then added to dW, so both are bit-identical for any
// GOMAXPROCS. It panics like Forward.
func (n *RMSNorm[F]) Backward(dx, dy, x []F, M int) { n.backward(dx, dy, x, M, false) }

// BackwardTo is Backward with dx overwritten instead of accumulated: each
// chunk of rows of dx is cleared by its task just before its update,
// while it is in cache, which gives exactly the bits of clearing dx and
// calling Backward but saves the caller a separate clearing pass over
// [M, D].
func (n *RMSNorm[F]) BackwardTo(dx, dy, x []F, M int) { n.backward(dx, dy, x, M, true) }

func (n *RMSNorm[F]) backward(dx, dy, x []F, M int, overwrite bool) {
	n.check(x, dy, M)
	if len(dx) < M*n.D {
		panic("nn: RMSNorm.Backward shape mismatch")
	}
	n.refreshScale()
	tensor.ForWith(M, rowGrain(n.D), rmsBwdRows[F]{n, dx, dy, x, overwrite})
	blocks := (n.D + wBlock - 1) / wBlock
	if tensor.Splits(blocks, max(1, parGrain/max(M*wBlock, 1))) {
		tensor.ForWith(blocks, 1, rmsBwdW[F]{n, dy, x, M})
	} else {
		n.backwardW(dy, x, M, 0, n.D)
	}
}

// rmsBwdRows is Backward's dx over the rows [lo, hi).
type rmsBwdRows[F tensor.Float] struct {
	n         *RMSNorm[F]
	dx, dy, x []F  // [M, D]
	overwrite bool // clear each row of dx first (BackwardTo)
}

func (k rmsBwdRows[F]) Run(lo, hi int) {
	if k.overwrite {
		clear(k.dx[lo*k.n.D : hi*k.n.D])
	}
	k.n.backwardRows(k.dx, k.dy, k.x, lo, hi)
}

// rmsBwdW is Backward's dW over the blocks [lo, hi) of wBlock columns.
type rmsBwdW[F tensor.Float] struct {
	n     *RMSNorm[F]
	dy, x []F // [M, D]
	M     int
}

func (k rmsBwdW[F]) Run(lo, hi int) {
	k.n.backwardW(k.dy, k.x, k.M, lo*wBlock, min(k.n.D, hi*wBlock))
}

func (n *RMSNorm[F]) backwardRows(dx, dy, x []F, lo, hi int) {
	D, w := n.D, n.weight()
	if tensor.Is32[F]() {
		w32 := as32(w)
		for m := lo; m < hi; m++ {
			xr, dyr, dxr := as32(x[m*D:(m+1)*D]), as32(dy[m*D:(m+1)*D]), as32(dx[m*D:(m+1)*D])
			r := float32(n.Rstd[m])
			c := r * r * r * tensor.Dot3_32(w32, dyr, xr) / float32(D)
			tensor.RMSBack32(dxr, dyr, xr, w32, r, c)
		}
		return
	}
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

// backwardW adds Σ_m dy·x·r to dW[lo:hi], in blocks of wBlock columns
// starting at lo (a multiple of wBlock), each summed in a local
// accumulator over the rows in order.
func (n *RMSNorm[F]) backwardW(dy, x []F, M, lo, hi int) {
	D := n.D
	for c0 := lo; c0 < hi; c0 += wBlock {
		c1 := min(hi, c0+wBlock)
		if tensor.Is32[F]() && c1-c0 == wBlock && M > 0 {
			var acc [wBlock]float32
			tensor.ColAcc16_32(&acc, as32(dy[c0:(M-1)*D+c1]), as32(x[c0:(M-1)*D+c1]), as32(n.Rstd[:M]), D)
			for i, v := range acc {
				n.W.Grad[c0+i] += F(v)
			}
			continue
		}
		var acc [wBlock]F
		for m := 0; m < M; m++ {
			r := n.Rstd[m]
			xr, dyr := x[m*D+c0:m*D+c1], dy[m*D+c0:m*D+c1]
			for i, v := range xr {
				acc[i] += dyr[i] * v * r
			}
		}
		for i, v := range acc[:c1-c0] {
			n.W.Grad[c0+i] += v
		}
	}
}

func (n *RMSNorm[F]) check(x, y []F, M int) {
	if len(x) < M*n.D || len(y) < M*n.D || M > len(n.Rstd) {
		panic("nn: RMSNorm shape mismatch or Alloc not called")
	}
}
