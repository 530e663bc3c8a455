package nn

import (
	"math/rand/v2"

	"rnnbench/internal/tensor"
)

// Dropout is inverted dropout (Srivastava et al. 2014; PyTorch nn.Dropout
// in training mode): each element is zeroed with probability P and the
// survivors are scaled by 1/(1−P), so the expectation is unchanged.
// The mask is drawn sequentially from the caller's rng, so a seed fixes it.
// P == 0 makes Alloc, Forward and Backward no-ops; to evaluate, skip
// Forward.
type Dropout[F tensor.Float] struct {
	P    float64
	Mask []F // [n] each 0 or 1/(1−P), kept from Forward for Backward (Activation)
}

// Alloc makes Mask for up to n elements; it allocates nothing when P == 0.
// It panics if P is outside [0, 1).
func (d *Dropout[F]) Alloc(a *tensor.Arena[F], n int) {
	if d.P < 0 || d.P >= 1 {
		panic("nn: Dropout.P outside [0, 1)")
	}
	if d.P == 0 {
		return
	}
	d.Mask = a.Make(tensor.Activation, n)
}

// Forward draws a fresh mask, one rng.Float64 per element in order, and
// multiplies x by it in place. x: [n]. It panics if n exceeds the Alloc size.
func (d *Dropout[F]) Forward(x []F, rng *rand.Rand) {
	if d.P == 0 {
		return
	}
	if len(x) > len(d.Mask) {
		panic("nn: Dropout.Forward length exceeds Alloc")
	}
	scale := F(1 / (1 - d.P))
	mask := d.Mask[:len(x)]
	for i := range mask {
		if rng.Float64() < d.P {
			mask[i] = 0
		} else {
			mask[i] = scale
		}
		x[i] *= mask[i]
	}
}

// Backward multiplies dx by the mask of the last Forward in place
// (dx: [n]); unlike other layers it does not accumulate. It panics if n
// exceeds the Alloc size.
func (d *Dropout[F]) Backward(dx []F) {
	if d.P == 0 {
		return
	}
	if len(dx) > len(d.Mask) {
		panic("nn: Dropout.Backward length exceeds Alloc")
	}
	for i, m := range d.Mask[:len(dx)] {
		dx[i] *= m
	}
}
