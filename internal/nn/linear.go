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

// biasFwd broadcasts the bias into rows [lo, hi) of y: [M, Out].
type biasFwd[F tensor.Float] struct {
	l *Linear[F]
	y []F
}

func (k biasFwd[F]) Run(lo, hi int) { k.l.broadcastBias(k.y, lo, hi) }

// biasBwd sums dy: [M, Out] into the bias gradient, blocks [lo, hi) of
// biasBlock entries.
type biasBwd[F tensor.Float] struct {
	l  *Linear[F]
	dy []F
	M  int
}

func (k biasBwd[F]) Run(lo, hi int) {
	k.l.biasGrad(k.dy, k.M, lo*biasBlock, min(k.l.Out, hi*biasBlock))
}

// biasBlock is the number of bias entries one task of the bias gradient
// sums (a cache line of float32).
const biasBlock = 16

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
		tensor.ForWith(M, rowGrain(l.Out), biasFwd[F]{l, y})
		tensor.MatMul(false, true, M, l.Out, l.In, x, l.W.Data, 1, y)
		return
	}
	tensor.MatMul(false, true, M, l.Out, l.In, x, l.W.Data, 0, y)
}

// broadcastBias copies the bias into rows [lo, hi) of y: [M, Out].
func (l *Linear[F]) broadcastBias(y []F, lo, hi int) {
	b := l.Bias.Data
	for m := lo; m < hi; m++ {
		copy(y[m*l.Out:(m+1)*l.Out], b)
	}
}

// Backward accumulates dW += dyᵀ·x, db += Σ dy and, when dx is not nil,
// dx += dy·W. x: [M, In], dy: [M, Out], dx: [M, In]. db is summed per
// block of 16 entries over the rows in order, in parallel over the blocks,
// so it does not depend on GOMAXPROCS.
func (l *Linear[F]) Backward(dx, dy, x []F, M int) { l.backward(dx, dy, x, M, 1) }

// BackwardTo is Backward with dx overwritten instead of accumulated
// (dx = dy·W): the caller need not clear it first (the matmul writes every
// element, in parallel).
func (l *Linear[F]) BackwardTo(dx, dy, x []F, M int) { l.backward(dx, dy, x, M, 0) }

// backward computes dx = beta·dx + dy·W and the parameter gradients.
func (l *Linear[F]) backward(dx, dy, x []F, M int, beta F) {
	if dx != nil {
		tensor.MatMul(false, false, M, l.In, l.Out, dy, l.W.Data, beta, dx)
	}
	tensor.MatMul(true, false, l.Out, l.In, M, dy, x, 1, l.W.Grad)
	if l.Bias != nil {
		blocks := (l.Out + biasBlock - 1) / biasBlock
		if tensor.Splits(blocks, max(1, parGrain/max(M*biasBlock, 1))) {
			tensor.ForWith(blocks, 1, biasBwd[F]{l, dy, M})
		} else {
			l.biasGrad(dy, M, 0, l.Out)
		}
	}
}

// biasGrad adds Σ_m dy[m, o] to db[o] for o in [lo, hi), in blocks of
// biasBlock entries from lo (a multiple of biasBlock), each summed over the
// rows in order into a local accumulator.
func (l *Linear[F]) biasGrad(dy []F, M, lo, hi int) {
	db, O := l.Bias.Grad, l.Out
	for c0 := lo; c0 < hi; c0 += biasBlock {
		c1 := min(hi, c0+biasBlock)
		if tensor.Is32[F]() && c1-c0 == biasBlock && M > 0 {
			var acc [biasBlock]float32
			tensor.ColSum16_32(&acc, as32(dy[c0:(M-1)*O+c1]), M, O)
			for i, v := range acc {
				db[c0+i] += F(v)
			}
			continue
		}
		var acc [biasBlock]F
		for m := 0; m < M; m++ {
			for i, v := range dy[m*O+c0 : m*O+c1] {
				acc[i] += v
			}
		}
		for i, v := range acc[:c1-c0] {
			db[c0+i] += v
		}
	}
}

// FLOPs returns the multiply-add FLOPs of a forward over M rows (2·M·In·Out);
// backward costs twice that.
func (l *Linear[F]) FLOPs(M int) int64 { return 2 * int64(M) * int64(l.In) * int64(l.Out) }
