package nn

import (
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
)

// Shared builders and checks for the tests of the row layers (MLP,
// RMSNorm) and the panics of every layer.

// mustPanic fails the test unless f panics; what names the case.
func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

// rowLayer maps x: [M, D] to y: [M, D], its Backward accumulating dx and
// the parameter gradients.
type rowLayer interface {
	Forward(y, x []float64, M int)
	Backward(dx, dy, x []float64, M int)
}

// checkRowLayerGrad checks l's Backward against central differences of
// L = Σ w ⊙ Forward(x) for x, w ~ N(0, 1) drawn from rng: dx and the
// gradient of each of params. It returns x and y = Forward(x).
func checkRowLayerGrad(t *testing.T, rng *rand.Rand, l rowLayer, M, D int, params []*tensor.Param[float64]) (x, y []float64) {
	t.Helper()
	x = randn(rng, M*D)
	w := randn(rng, M*D)
	y = make([]float64, M*D)
	f := func() float64 { l.Forward(y, x, M); return dot(w, y) }
	f()
	dx := make([]float64, M*D)
	l.Backward(dx, w, x, M)
	assertClose(t, "dx", dx, numGrad(f, x), fdTol)
	for _, p := range params {
		assertClose(t, "d "+p.Name, p.Grad, numGrad(f, p.Data), fdTol)
	}
	f() // y for the unperturbed parameters
	return x, y
}

// newTestMLP builds an MLP D→Hid→D initialised from rng, with its
// activations allocated for M rows in the returned arena.
func newTestMLP[F tensor.Float](rng *rand.Rand, M, D, Hid int) (*MLP[F], *tensor.ParamSet[F], *tensor.Arena[F]) {
	var ps tensor.ParamSet[F]
	m := NewMLP(&ps, "mlp", D, Hid)
	ps.Finalize()
	m.Init(rng)
	var a tensor.Arena[F]
	m.Alloc(&a, M)
	return m, &ps, &a
}

// newTestRMSNorm builds an initialised RMSNorm of width D (with Offset
// as given) allocated for M rows.
func newTestRMSNorm[F tensor.Float](M, D int, offset bool) (*RMSNorm[F], *tensor.ParamSet[F]) {
	var ps tensor.ParamSet[F]
	n := NewRMSNorm(&ps, "ln", D)
	n.Offset = offset
	ps.Finalize()
	n.Init()
	var a tensor.Arena[F]
	n.Alloc(&a, M)
	return n, &ps
}
