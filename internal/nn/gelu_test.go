package nn

import (
	"math/rand/v2"
	"testing"
)

func TestGELUValues(t *testing.T) {
	// Reference values of ½x(1+tanh(√(2/π)(x+0.044715x³))) computed
	// independently with Python's math module.
	x := []float64{0, 1, -1, 3, -10}
	y := make([]float64, len(x))
	GELUForward(y, x)
	want := []float64{0, 0.8411919906082768, -0.15880800939172324, 2.996362607918227, 0}
	assertClose(t, "gelu", y, want, 1e-12)
	// huge inputs: identity for large positive, 0 for large negative, finite slope
	big := []float64{1e200, -1e200}
	GELUForward(y[:2], big)
	d := make([]float64, 2)
	GELUBackward(d, []float64{1, 1}, big)
	if y[0] != 1e200 || y[1] != 0 || d[0] != 1 || d[1] != 0 {
		t.Fatalf("gelu(±1e200) = %v, slope %v", y[:2], d)
	}
}

func TestGELUGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := randn(rng, 50)
	for i := range x {
		x[i] *= 3
	}
	w := randn(rng, 50)
	y := make([]float64, 50)
	f := func() float64 { GELUForward(y, x); return dot(w, y) }
	dx := make([]float64, 50)
	GELUBackward(dx, w, x)
	assertClose(t, "dx", dx, numGrad(f, x), fdTol)

	// accumulates
	GELUBackward(dx, w, x)
	for i := range dx {
		dx[i] /= 2
	}
	assertClose(t, "dx accumulated", dx, numGrad(f, x), fdTol)

	// the in-place variant used by MLP agrees
	d := append([]float64(nil), w...)
	geluBackwardInPlace(d, x)
	assertClose(t, "in place", d, dx, 1e-15)
}
