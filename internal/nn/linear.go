package nn

import (
	"math/rand/v2"

	"rnnbench/internal/tensor"
)

// Linear is y = x·Wᵀ + b, with W: [Out, In] and b: [Out] laid out as in
// PyTorch's nn.Linear so that weights map one to one. It keeps no
// activations itself: Backward needs the input x, which the caller passes
// back (the caller owns and counts it).
type Linear[F tensor.Float] struct {
	In, Out int
	W       *tensor.Param[F] // [Out, In]
	Bias    *tensor.Param[F] // [Out], nil when built without bias
}

// NewLinear registers W (and b when bias is true) in ps under name.
func NewLinear[F tensor.Float](ps *tensor.ParamSet[F], name string, in, out int, bias bool) *Linear[F] {
	l := &Linear[F]{In: in, Out: out}
	l.W = ps.New(name+".weight", true, out, in)
	if bias {
		l.Bias = ps.New(name+".bias", false, out)
	}
	return l
}

// Init draws W and b from U(−1/√In, 1/√In), PyTorch's default.
func (l *Linear[F]) Init(rng *rand.Rand) {
	bound := tensor.KaimingBound(l.In)
	tensor.Uniform(rng, l.W.Data, bound)
	if l.Bias != nil {
		tensor.Uniform(rng, l.Bias.Data, bound)
	}
}

// Forward computes y = x·Wᵀ + b for M rows.
// x: [M, In], y: [M, Out] (overwritten).
func (l *Linear[F]) Forward(y, x []F, M int) {
	if len(x) < M*l.In || len(y) < M*l.Out {
		panic("nn: Linear.Forward shape mismatch")
	}
	if l.Bias != nil {
		b := l.Bias.Data
		for m := 0; m < M; m++ {
			copy(y[m*l.Out:(m+1)*l.Out], b)
		}
		tensor.MatMul(false, true, M, l.Out, l.In, x, l.W.Data, 1, y)
		return
	}
	tensor.MatMul(false, true, M, l.Out, l.In, x, l.W.Data, 0, y)
}

// Backward accumulates dW += dyᵀ·x, db += Σ dy and, when dx is not nil,
// dx += dy·W. x: [M, In], dy: [M, Out], dx: [M, In].
func (l *Linear[F]) Backward(dx, dy, x []F, M int) {
	if dx != nil {
		tensor.MatMul(false, false, M, l.In, l.Out, dy, l.W.Data, 1, dx)
	}
	tensor.MatMul(true, false, l.Out, l.In, M, dy, x, 1, l.W.Grad)
	if l.Bias != nil {
		db := l.Bias.Grad
		for m := 0; m < M; m++ {
			row := dy[m*l.Out : (m+1)*l.Out]
			for o, v := range row {
				db[o] += v
			}
		}
	}
}

// FLOPs returns the multiply-add FLOPs of a forward over M rows (2·M·In·Out);
// backward costs twice that.
func (l *Linear[F]) FLOPs(M int) int64 { return 2 * int64(M) * int64(l.In) * int64(l.Out) }
