// Package optim holds rnnbench's optimiser pieces: AdamW over a
// tensor.ParamSet's flat slabs, global gradient-norm clipping, and
// nanoGPT's warm-up + cosine learning-rate schedule. Each follows the
// PyTorch (or nanoGPT) definition it names, so runs compare one to one.
package optim

import (
	"math"

	"rnnbench/internal/tensor"
)

// grain is the number of elements per tensor.ForWith chunk in Step.
const grain = 32768

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter 2019,
// Algorithm 2), computed exactly as torch.optim.AdamW (amsgrad off,
// maximize off). M and V are the first and second moment estimates, laid
// out like ps.Data; T is the number of steps taken.
type AdamW[F tensor.Float] struct {
	Beta1, Beta2, Eps, WeightDecay float64
	M, V                           []F // [ps.Count()] each
	T                              int
	segs                           []segment // runs of ps.Data with the same Decay flag
}

// segment is the half-open range [lo, hi) of the slab and whether weight
// decay applies to it.
type segment struct {
	lo, hi int
	decay  bool
}

// NewAdamW makes M and V sized to ps.Count(). It relies on ps.Data
// holding the parameters concatenated in registration order, and panics
// if ps is not finalised.
func NewAdamW[F tensor.Float](ps *tensor.ParamSet[F], beta1, beta2, eps, weightDecay float64) *AdamW[F] {
	if len(ps.Data) != ps.Count() {
		panic("optim: NewAdamW on a ParamSet that is not finalised")
	}
	o := &AdamW[F]{
		Beta1: beta1, Beta2: beta2, Eps: eps, WeightDecay: weightDecay,
		M: make([]F, ps.Count()), V: make([]F, ps.Count()),
	}
	off := 0
	for _, p := range ps.Params {
		lo, hi := off, off+p.Size()
		off = hi
		if n := len(o.segs); n > 0 && o.segs[n-1].decay == p.Decay && o.segs[n-1].hi == lo {
			o.segs[n-1].hi = hi
		} else if hi > lo {
			o.segs = append(o.segs, segment{lo, hi, p.Decay})
		}
	}
	return o
}

// Bytes returns the optimiser state size in bytes (M and V).
func (o *AdamW[F]) Bytes() int64 {
	return int64(len(o.M)+len(o.V)) * tensor.SizeOf[F]()
}

// Step applies one AdamW update with learning rate lr to every parameter
// from ps.Grad, incrementing T. Per element, with t = T after increment:
//
//	p ← p·(1 − lr·wd)                  (only where Decay is true)
//	m ← β1·m + (1−β1)·g
//	v ← β2·v + (1−β2)·g²
//	p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)
//
// The update is computed in float64 and is elementwise, so it is
// bit-identical for any GOMAXPROCS; it allocates nothing.
// It panics if ps is not the set given to NewAdamW (size mismatch).
func (o *AdamW[F]) Step(ps *tensor.ParamSet[F], lr float64) { o.step(ps, lr, 1) }

// StepClipped is gradient clipping followed by Step in one pass over the
// slab: given norm, the global gradient norm (GradNorm), it updates the
// parameters exactly as ClipGradNorm(ps.Grad, maxNorm) then Step(ps, lr)
// would, bit for bit, with each gradient element multiplied by
// ClipScale(norm, maxNorm) (in F, as ClipGradNorm rounds it) as it is
// read, and ps.Grad left as it is. This saves a read and a write of the
// gradient slab per step. The caller checks that norm is finite first
// (a non-finite norm scales by 1, as ClipGradNorm leaves grad unchanged).
func (o *AdamW[F]) StepClipped(ps *tensor.ParamSet[F], lr, norm, maxNorm float64) {
	o.step(ps, lr, ClipScale[F](norm, maxNorm))
}

// step is Step with every gradient element read as F(g·scale).
func (o *AdamW[F]) step(ps *tensor.ParamSet[F], lr float64, scale F) {
	if len(ps.Data) != len(o.M) || len(ps.Grad) != len(o.M) {
		panic("optim: AdamW.Step on a different ParamSet")
	}
	o.T++
	tensor.ForWith(len(o.M), grain, adamWStep[F]{o, ps.Data, ps.Grad, lr, scale})
}

// adamWStep is one Step over the slab, a tensor.ForWith kernel.
type adamWStep[F tensor.Float] struct {
	o     *AdamW[F]
	p, g  []F
	lr    float64
	scale F // gradient scale (clipping)
}

func (k adamWStep[F]) Run(lo, hi int) { k.o.stepRange(k.p, k.g, k.lr, k.scale, lo, hi) }

// stepRange updates elements [lo, hi) of the slab, reading each gradient
// element as F(g·scale).
func (o *AdamW[F]) stepRange(p, g []F, lr float64, scale F, lo, hi int) {
	t := float64(o.T)
	b1, b2 := o.Beta1, o.Beta2
	stepSize := lr / (1 - math.Pow(b1, t))
	bc2Sqrt := math.Sqrt(1 - math.Pow(b2, t))
	decayMul := 1 - lr*o.WeightDecay
	// first segment with hi > lo (segments are sorted and contiguous)
	a, b := 0, len(o.segs)
	for a < b {
		h := (a + b) / 2
		if o.segs[h].hi <= lo {
			a = h + 1
		} else {
			b = h
		}
	}
	for s := a; s < len(o.segs) && o.segs[s].lo < hi; s++ {
		seg := o.segs[s]
		from, to := max(seg.lo, lo), min(seg.hi, hi)
		mul := 1.0
		if seg.decay {
			mul = decayMul
		}
		for i := from; i < to; i++ {
			gi := float64(F(g[i] * scale)) // g·1 is g: no clipping, no change
			m := b1*float64(o.M[i]) + (1-b1)*gi
			v := b2*float64(o.V[i]) + (1-b2)*gi*gi
			o.M[i], o.V[i] = F(m), F(v)
			pi := float64(p[i]) * mul
			p[i] = F(pi - stepSize*m/(math.Sqrt(v)/bc2Sqrt+o.Eps))
		}
	}
}
