package models

import (
	"math"

	"rnnbench/internal/tensor"
)

// ropeBase is the RoPE frequency base of RoFormer and LLaMA.
const ropeBase = 10000

// rope holds the rotary position embedding tables of RoFormer (Su et al.
// 2021, arXiv 2104.09864, eq. 34) for one head width Dh and positions
// [0, maxT). It uses the paper's interleaved convention: the pairs
// (x[2i], x[2i+1]), i = 0..Dh/2−1, are rotated by the angle p·θ_i with
// θ_i = 10000^(−2i/Dh):
//
//	y[2i]   = x[2i]·cos(p·θ_i) − x[2i+1]·sin(p·θ_i)
//	y[2i+1] = x[2i]·sin(p·θ_i) + x[2i+1]·cos(p·θ_i)
//
// (not the half-split pairs (x[i], x[i+Dh/2]) of GPT-NeoX and HF LLaMA).
// scripts/torch/transformer.py uses the same convention.
type rope[F tensor.Float] struct {
	dh, maxT int
	cos, sin []F // [maxT, Dh/2]: cos(p·θ_i), sin(p·θ_i), computed in float64
}

// newRope fills the tables for head width dh (even) and positions
// [0, maxT) into cos and sin, each of at least maxT·dh/2 elements, which the
// caller allocates (and counts). It panics if dh is odd or a table is short.
func newRope[F tensor.Float](dh, maxT int, cos, sin []F) rope[F] {
	half := dh / 2
	if dh%2 != 0 || len(cos) < maxT*half || len(sin) < maxT*half {
		panic("models: rope needs an even head width and maxT·Dh/2 table entries")
	}
	for i := 0; i < half; i++ {
		theta := math.Pow(ropeBase, -float64(2*i)/float64(dh))
		for p := 0; p < maxT; p++ {
			s, c := math.Sincos(float64(p) * theta)
			cos[p*half+i] = F(c)
			sin[p*half+i] = F(s)
		}
	}
	return rope[F]{dh: dh, maxT: maxT, cos: cos[:maxT*half], sin: sin[:maxT*half]}
}

// rotate applies the rotation of position pos to x: [Dh] in place.
// It panics if pos ≥ maxT.
func (r *rope[F]) rotate(x []F, pos int) { r.turn(x, pos, 1) }

// unrotate applies the inverse (transposed) rotation of position pos to
// x: [Dh] in place. It is RoPE's backward: if y = R(p)·x then
// dL/dx = R(p)ᵀ·dL/dy, and R(p)ᵀ is R(p) with sin negated. It panics if
// pos ≥ maxT.
func (r *rope[F]) unrotate(x []F, pos int) { r.turn(x, pos, -1) }

// turn rotates each pair (x_{2i}, x_{2i+1}) of x: [Dh] by the angle of
// position pos with sin multiplied by sign (±1: exact, so both directions
// round as the written-out formulas would).
func (r *rope[F]) turn(x []F, pos int, sign F) {
	half := r.dh / 2
	c, s := r.cos[pos*half:(pos+1)*half], r.sin[pos*half:(pos+1)*half]
	x = x[:r.dh]
	for i := 0; i < half; i++ {
		x0, x1, si := x[2*i], x[2*i+1], sign*s[i]
		x[2*i] = x0*c[i] - x1*si
		x[2*i+1] = x0*si + x1*c[i]
	}
}
