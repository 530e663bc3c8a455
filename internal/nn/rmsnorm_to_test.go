package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"rnnbench/internal/tensor"
)

// TestRMSNormBackwardToBits checks that BackwardTo over a dx full of
// garbage gives exactly the bits of clearing dx and calling Backward (dx
// and dW), in float32 and float64, at GOMAXPROCS 1 and 2, with M large
// enough that the rows split into several chunks.
func TestRMSNormBackwardToBits(t *testing.T) {
	for _, procs := range []int{1, 2} {
		func() {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			rmsBackwardToBits[float32](t, 700, 64)
			rmsBackwardToBits[float64](t, 700, 40)
		}()
	}
}

func rmsBackwardToBits[F tensor.Float](t *testing.T, M, D int) {
	rng := rand.New(rand.NewPCG(11, 12))
	n, _ := newTestRMSNorm[F](M, D, false)
	tensor.Normal(rng, n.W.Data, 1)
	x, y, dy := make([]F, M*D), make([]F, M*D), make([]F, M*D)
	tensor.Normal(rng, x, 1)
	tensor.Normal(rng, dy, 1)
	n.Forward(y, x, M)
	want, got := make([]F, M*D), make([]F, M*D)
	clear(n.W.Grad)
	n.Backward(want, dy, x, M)
	wantW := append([]F(nil), n.W.Grad...)
	tensor.Normal(rng, got, 100) // garbage BackwardTo must overwrite
	clear(n.W.Grad)
	n.BackwardTo(got, dy, x, M)
	for i := range want {
		if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) {
			t.Fatalf("%T: dx[%d] = %v, want %v (clear + Backward)", got[i], i, got[i], want[i])
		}
	}
	for i := range wantW {
		if math.Float64bits(float64(n.W.Grad[i])) != math.Float64bits(float64(wantW[i])) {
			t.Fatalf("%T: dW[%d] = %v, want %v", wantW[i], i, n.W.Grad[i], wantW[i])
		}
	}
}
