package models

import (
	"math/rand/v2"

	"rnnbench/internal/nn"
	"rnnbench/internal/tensor"
)

// rnnCore is what GRU and LSTM share: the parameters of PyTorch's
// nn.GRU / nn.LSTM (single layer, batch_first; torch.nn.GRU and
// torch.nn.LSTM documentation) with G gates, the output projection, the
// sizes of the last Alloc, and the input- and output-side passes around
// the time loop. Parameters (prefix p): p.weight_ih [G·E, D],
// p.weight_hh [G·E, E], p.bias_ih [G·E], p.bias_hh [G·E], and
// p.out.weight [D, E] when E ≠ D.
type rnnCore[F tensor.Float] struct {
	name    string // "gru" or "lstm", for panics
	D, E, G int
	wih     *tensor.Param[F] // [G·E, D], rows gate by gate
	whh     *tensor.Param[F] // [G·E, E]
	bih     *tensor.Param[F] // [G·E]
	bhh     *tensor.Param[F] // [G·E]
	out     *nn.Linear[F]    // E → D, nil when E == D

	maxB, maxT int
	gates      []F // [B, T, G·E] activation: the gates (the mixer says which values)
	h          []F // [B, T, E] activation: hidden states
	dpre       []F // [B, T, G·E] scratch: gradient of the input-side pre-activations
	dhs        []F // [B, T, E] scratch: dL/dh_t from the output (nil when E == D: dy is used)
	dh         []F // [B, E] scratch: dL/dh carried backwards through time

	// Forward's hidden weights, from forwardWeights (rnn_batchsplit.go).
	wT    []F
	ldw   int
	trans bool
}

// alloc makes the shared buffers for up to B sequences of up to T tokens.
func (r *rnnCore[F]) alloc(a *tensor.Arena[F], B, T int) {
	r.maxB, r.maxT = B, T
	r.gates, r.h, r.dpre, r.dhs = allocGated(a, B*T, r.G*r.E, r.E, r.out != nil)
	r.dh = a.Make(tensor.Scratch, B*r.E)
}

// allocGated makes the buffers every recurrent mixer here keeps for n
// tokens: the gates (activation, [n, GE]), the hidden states (activation,
// [n, E]), the gradient of the gates (scratch, [n, GE]) and, when there is
// an output projection (out), dL/dh from it (scratch, [n, E]; else nil).
func allocGated[F tensor.Float](a *tensor.Arena[F], n, GE, E int, out bool) (gates, h, dgates, dhOut []F) {
	gates = a.Make(tensor.Activation, n*GE)
	h = a.Make(tensor.Activation, n*E)
	dgates = a.Make(tensor.Scratch, n*GE)
	if out {
		dhOut = a.Make(tensor.Scratch, n*E)
	}
	return gates, h, dgates, dhOut
}

// newRNNCore registers the parameters of a G-gate recurrent mixer.
func newRNNCore[F tensor.Float](ps *tensor.ParamSet[F], prefix, name string, c Config, G int) rnnCore[F] {
	r := rnnCore[F]{name: name, D: c.D, E: c.E(), G: G}
	GE := G * r.E
	r.wih = ps.New(prefix+".weight_ih", true, GE, r.D)
	r.whh = ps.New(prefix+".weight_hh", true, GE, r.E)
	r.bih = ps.New(prefix+".bias_ih", false, GE)
	r.bhh = ps.New(prefix+".bias_hh", false, GE)
	if r.E != r.D {
		r.out = nn.NewLinear(ps, prefix+".out", r.E, r.D, false)
	}
	return r
}

// Init draws every weight and bias from U(−1/√E, 1/√E) as PyTorch's
// nn.GRU and nn.LSTM do, and the output projection from U(−1/√E, 1/√E) as
// nn.Linear does.
func (r *rnnCore[F]) Init(rng *rand.Rand) {
	bound := tensor.KaimingBound(r.E)
	for _, p := range []*tensor.Param[F]{r.wih, r.whh, r.bih, r.bhh} {
		tensor.Uniform(rng, p.Data, bound)
	}
	if r.out != nil {
		r.out.Init(rng)
	}
}

// check panics when B or T exceed Alloc's or a and b are shorter than B·T·D.
func (r *rnnCore[F]) check(op string, B, T int, a, b []F) {
	checkSizes(r.name, op, B, T, r.maxB, r.maxT, r.D, a, b)
}

// checkSizes is the size check of every recurrent mixer's Forward and
// Backward (op): it panics, naming the mixer, when B or T exceed Alloc's
// (maxB, maxT) or a or b is shorter than B·T·D.
func checkSizes[F tensor.Float](name, op string, B, T, maxB, maxT, D int, a, b []F) {
	if B > maxB || T > maxT {
		panic(name + ": " + op + " with B or T above Alloc's")
	}
	if len(a) < B*T*D || len(b) < B*T*D {
		panic(name + ": " + op + " slice shorter than B·T·D")
	}
}

// stepBatch returns the number of sequences B of a Step whose state has
// h: [B, E], and panics when x or y is shorter than B·D.
func (r *rnnCore[F]) stepBatch(h, x, y []F) int {
	B := len(h) / r.E
	if len(x) < B*r.D || len(y) < B*r.D {
		panic(r.name + ": Step slice shorter than B·D")
	}
	return B
}

// project writes y: [M, D] from the hidden states h: [M, E]: the output
// projection, or a copy when E == D.
func (r *rnnCore[F]) project(y, h []F, M int) {
	if r.out != nil {
		r.out.Forward(y, h, M)
	} else {
		copy(y[:M*r.D], h[:M*r.E])
	}
}

// backwardStart checks Backward's arguments and returns dL/dh from the
// output, [B, T, E]: through the output projection into dhs, or dy itself
// when E == D.
func (r *rnnCore[F]) backwardStart(dx, dy, x []F, B, T int) []F {
	r.check("Backward", B, T, x, dy)
	if len(dx) < B*T*r.D {
		panic(r.name + ": Backward dx too short")
	}
	if r.out != nil {
		r.out.BackwardTo(r.dhs, dy, r.h, B*T)
		return r.dhs
	}
	return dy
}

// inputBackward accumulates, from dpre: [B·T, G·E] (the gradient of the
// input-side pre-activations), dW_ih += dpreᵀ·x, dx += dpre·W_ih and
// db_ih += Σ dpre over all B·T tokens (and db_hh too, when both, as in the
// LSTM, enter the same sum).
func (r *rnnCore[F]) inputBackward(dx, x []F, M int, both bool) {
	GE := r.G * r.E
	dpre := r.dpre[:M*GE]
	tensor.MatMul(true, false, GE, r.D, M, dpre, x, 1, r.wih.Grad)
	tensor.MatMul(false, false, M, r.D, GE, dpre, r.wih.Data, 1, dx)
	tensor.ForWith(numCols(GE), 1, biasSums[F]{r: r, M: M, both: both})
}

// flops returns the forward FLOPs per token of the projections: input
// 2·D·G·E, hidden 2·E·G·E, bias adds 2·G·E, and the output 2·E·D when
// E ≠ D; the mixer adds its gate elementwise work.
func (r *rnnCore[F]) flops() int64 {
	D, E, G := int64(r.D), int64(r.E), int64(r.G)
	f := 2*D*G*E + 2*E*G*E + 2*G*E
	if r.out != nil {
		f += 2 * E * D
	}
	return f
}

// prevRow returns row m−1 of s: [B·T, E], the state before token m at
// time t, or nil (zeros) at t = 0.
func prevRow[F tensor.Float](s []F, m, t, E int) []F {
	if t == 0 {
		return nil
	}
	return s[(m-1)*E : m*E]
}
