package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
)

// Shared float64 gradient-check helpers for the package's tests.

// fdH is the central-difference step; with float64 and O(1) values the
// truncation error is O(h²) ≈ 1e-10 and rounding ≈ 1e-16/h ≈ 1e-11.
const fdH = 1e-5

// fdTol is the relative tolerance of a gradient check.
const fdTol = 1e-6

// numGrad returns ∂f/∂x_i for every i by central differences, restoring x.
func numGrad(f func() float64, x []float64) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		old := x[i]
		x[i] = old + fdH
		fp := f()
		x[i] = old - fdH
		fm := f()
		x[i] = old
		g[i] = (fp - fm) / (2 * fdH)
	}
	return g
}

// assertClose fails unless |got−want| <= tol·max(1, |want|) elementwise.
func assertClose(t *testing.T, name string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", name, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(got[i] - want[i]); !(d <= tol*math.Max(1, math.Abs(want[i]))) {
			t.Fatalf("%s[%d] = %.12g, want %.12g (diff %.3g)", name, i, got[i], want[i], d)
		}
	}
}

// dot returns Σ w_i·y_i, the scalar objective whose gradient w.r.t. y is w.
func dot(w, y []float64) float64 {
	var s float64
	for i := range w {
		s += w[i] * y[i]
	}
	return s
}

// randn returns n values from N(0, 1).
func randn(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	tensor.Normal(rng, x, 1)
	return x
}

func TestLinearHand(t *testing.T) {
	var ps tensor.ParamSet[float64]
	l := NewLinear(&ps, "l", 2, 2, true)
	ps.Finalize()
	copy(l.W.Data, []float64{1, 2, 3, 4}) // W: [2, 2]
	copy(l.Bias.Data, []float64{0.5, -1})
	y := make([]float64, 2)
	l.Forward(y, []float64{1, -1}, 1)
	assertClose(t, "y", y, []float64{1 - 2 + 0.5, 3 - 4 - 1}, 0)
}

func TestLinearGrad(t *testing.T) {
	for _, bias := range []bool{true, false} {
		rng := rand.New(rand.NewPCG(1, 2))
		const M, In, Out = 3, 4, 5
		var ps tensor.ParamSet[float64]
		l := NewLinear(&ps, "l", In, Out, bias)
		ps.Finalize()
		l.Init(rng)
		x := randn(rng, M*In)  // [M, In]
		w := randn(rng, M*Out) // [M, Out] upstream gradient
		y := make([]float64, M*Out)
		f := func() float64 { l.Forward(y, x, M); return dot(w, y) }
		dx := make([]float64, M*In)
		for i := range dx {
			dx[i] = 0.25 // Backward must accumulate onto this
		}
		f()
		l.Backward(dx, w, x, M)
		for i := range dx {
			dx[i] -= 0.25
		}
		assertClose(t, "dx", dx, numGrad(f, x), fdTol)
		assertClose(t, "dW", l.W.Grad, numGrad(f, l.W.Data), fdTol)
		if bias {
			assertClose(t, "db", l.Bias.Grad, numGrad(f, l.Bias.Data), fdTol)
		}
	}
}
