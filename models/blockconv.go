package models

import (
	"math/rand/v2"

	"rnnbench/internal/nn"
	"rnnbench/internal/tensor"
)

// blockConv is the official block's optional convolution
// (Variants.ConvKernel; BorealisAI/minRNNs models/model.py, `x = conv(x) + x`
// before the mixer's norm), the CausalDepthWiseConv1d of
// lucidrains/minGRU-pytorch: a causal depthwise convolution of kernel K
// (conv1d.go, with bias) followed by a pointwise one (a Linear D → D with
// bias), added to the stream:
//
//	out = x + PW(DW(x)),  x, out: [B, T, D]
//
// Parameters (prefix p): p.weight [D, K], p.bias [D], p.pw.weight [D, D],
// p.pw.bias [D], all drawn as PyTorch's nn.Conv1d defaults:
// U(−1/√fan_in, 1/√fan_in) with fan_in K (depthwise) and D (pointwise).
// Forward cost 2·K·D + 2·D² FLOPs per token.
type blockConv[F tensor.Float] struct {
	D, K    int
	W, Bias *tensor.Param[F] // [D, K], [D]
	PW      *nn.Linear[F]    // D → D with bias
	c       []F              // [B, T, D] activation: DW(x)
	out     []F              // [B, T, D] activation: x + PW(DW(x))
	dc      []F              // [B, T, D] scratch: gradient of c
}

func newBlockConv[F tensor.Float](ps *tensor.ParamSet[F], prefix string, D, K int) *blockConv[F] {
	return &blockConv[F]{
		D: D, K: K,
		W:    ps.New(prefix+".weight", true, D, K),
		Bias: ps.New(prefix+".bias", false, D),
		PW:   nn.NewLinear(ps, prefix+".pw", D, D, true),
	}
}

// Init draws the parameters as nn.Conv1d's defaults.
func (v *blockConv[F]) Init(rng *rand.Rand) {
	b := tensor.KaimingBound(v.K)
	tensor.Uniform(rng, v.W.Data, b)
	tensor.Uniform(rng, v.Bias.Data, b)
	v.PW.Init(rng)
}

// Alloc makes c and out (activations) and dc (scratch), each [M, D].
func (v *blockConv[F]) Alloc(a *tensor.Arena[F], M int) {
	v.c = a.Make(tensor.Activation, M*v.D)
	v.out = a.Make(tensor.Activation, M*v.D)
	v.dc = a.Make(tensor.Scratch, M*v.D)
}

// Forward returns out = x + PW(DW(x)): [B, T, D], valid until the next call.
func (v *blockConv[F]) Forward(x []F, B, T int) []F {
	M, D := B*T, v.D
	c, out := v.c[:M*D], v.out[:M*D]
	conv1dForward(c, x, D, v.W.Data, v.Bias.Data, B, T, D, v.K)
	v.PW.Forward(out, c, M)
	for i := range out {
		out[i] += x[i]
	}
	return out
}

// Backward turns d holding ∂L/∂out into ∂L/∂x = d + DWᵀ(PWᵀ d) in place,
// accumulating the parameter gradients; x is Forward's input.
func (v *blockConv[F]) Backward(d, x []F, B, T int) {
	M, D := B*T, v.D
	dc := v.dc[:M*D]
	v.PW.BackwardTo(dc, d[:M*D], v.c[:M*D], M)
	conv1dBackward(d, D, dc, x, v.W.Data, v.W.Grad, v.Bias.Grad, B, T, D, v.K)
}

// FLOPs returns the forward FLOPs per token.
func (v *blockConv[F]) FLOPs() int64 {
	return 2*int64(v.K)*int64(v.D) + 2*int64(v.D)*int64(v.D)
}

// convState is blockConv's inference state for B sequences: the last K
// inputs of each, buf: [B, K, D] (oldest first; zeros before the first
// token, as the causal padding), and the per-token workspaces c, y: [B, D].
type convState[F tensor.Float] struct {
	buf, c, y []F
}

func (v *blockConv[F]) newState(B int) *convState[F] {
	return &convState[F]{buf: make([]F, B*v.K*v.D), c: make([]F, B*v.D), y: make([]F, B*v.D)}
}

// bytes returns the bytes carried between tokens (buf).
func (s *convState[F]) bytes() int64 { return int64(len(s.buf)) * tensor.SizeOf[F]() }

// reset forgets every input, as before the first token.
func (s *convState[F]) reset() { clear(s.buf) }

// step advances s by one token and applies the convolution in place:
// x: [B, D] ← x + PW(DW(x)), exactly Forward's value at that position.
func (v *blockConv[F]) step(s *convState[F], x []F, B int) {
	K, D := v.K, v.D
	for b := range B {
		hist := s.buf[b*K*D : (b+1)*K*D]
		copy(hist, hist[D:])
		copy(hist[(K-1)*D:], x[b*D:(b+1)*D])
		cr := s.c[b*D : (b+1)*D]
		copy(cr, v.Bias.Data)
		for k := range K {
			for d := range D {
				cr[d] += v.W.Data[d*K+k] * hist[k*D+d]
			}
		}
	}
	v.PW.Forward(s.y, s.c, B)
	for i := range x[:B*D] {
		x[i] += s.y[i]
	}
}
