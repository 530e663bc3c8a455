package nn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"rnnbench/internal/tensor"
)

func TestRMSNormHand(t *testing.T) {
	var ps tensor.ParamSet[float64]
	n := NewRMSNorm(&ps, "ln", 2)
	ps.Finalize()
	n.Init()
	if n.W.Data[0] != 1 || n.W.Data[1] != 1 || n.Eps != 1e-5 || n.W.Decay {
		t.Fatalf("init: W %v eps %g decay %v", n.W.Data, n.Eps, n.W.Decay)
	}
	var a tensor.Arena[float64]
	n.Alloc(&a, 1)
	if a.Bytes(tensor.Activation) != 8 {
		t.Fatalf("Rstd bytes %d, want 8", a.Bytes(tensor.Activation))
	}
	n.Eps = 0
	n.W.Data[1] = 2
	// x = [3, 4]: mean(x²) = 12.5, rms = √12.5; y = [3, 4·2]/√12.5
	y := make([]float64, 2)
	n.Forward(y, []float64{3, 4}, 1)
	r := 1 / math.Sqrt(12.5)
	assertClose(t, "y", y, []float64{3 * r, 8 * r}, 1e-15)
	assertClose(t, "rstd", n.Rstd, []float64{r}, 1e-15)
}

func TestRMSNormGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const M, D = 4, 6
	n, _ := newTestRMSNorm[float64](M, D, false)
	tensor.Normal(rng, n.W.Data, 1)
	checkRowLayerGrad(t, rng, n, M, D, []*tensor.Param[float64]{n.W})
}

// TestRMSNormDeterministic checks that Forward and Backward give the same
// bits with 1 and 2 procs, on a size that tensor.For splits.
func TestRMSNormDeterministic(t *testing.T) {
	const M, D = 1024, 64 // rowGrain(64) = 256 rows: 4 row chunks; 4 blocks of wBlock columns
	run := func(procs int) (y, dx, dw []float32) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		rng := rand.New(rand.NewPCG(11, 12))
		n, _ := newTestRMSNorm[float32](M, D, false)
		tensor.Normal(rng, n.W.Data, 1)
		x := make([]float32, M*D)
		dy := make([]float32, M*D)
		tensor.Normal(rng, x, 1)
		tensor.Normal(rng, dy, 1)
		y, dx = make([]float32, M*D), make([]float32, M*D)
		n.Forward(y, x, M)
		n.Backward(dx, dy, x, M)
		return y, dx, n.W.Grad
	}
	if M <= rowGrain(D) || D <= wBlock {
		t.Fatal("size too small for tensor.For to split rows and columns")
	}
	y1, dx1, dw1 := run(1)
	y2, dx2, dw2 := run(2)
	for _, c := range []struct {
		name string
		a, b []float32
	}{{"y", y1, y2}, {"dx", dx1, dx2}, {"dW", dw1, dw2}} {
		for i := range c.a {
			if math.Float32bits(c.a[i]) != math.Float32bits(c.b[i]) {
				t.Fatalf("%s[%d]: %v (1 proc) != %v (2 procs)", c.name, i, c.a[i], c.b[i])
			}
		}
	}
}

// With Offset the parameter is γ, the scale γ + 1: γ = W − 1 gives the
// plain norm's output and gradients (dγ = dW), and Init makes γ = 0.
func TestRMSNormOffset(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const M, D = 3, 5
	plain, pp := newTestRMSNorm[float64](M, D, false)
	off, po := newTestRMSNorm[float64](M, D, true)
	for i := range off.W.Data {
		if off.W.Data[i] != 0 {
			t.Fatalf("Offset init: γ %v, want 0", off.W.Data)
		}
	}
	tensor.Normal(rng, plain.W.Data, 1)
	for i, w := range plain.W.Data {
		off.W.Data[i] = w - 1
	}
	x, dy := randn(rng, M*D), randn(rng, M*D)
	y1, y2 := make([]float64, M*D), make([]float64, M*D)
	plain.Forward(y1, x, M)
	off.Forward(y2, x, M)
	assertClose(t, "y", y2, y1, 1e-15)
	dx1, dx2 := make([]float64, M*D), make([]float64, M*D)
	plain.Backward(dx1, dy, x, M)
	off.Backward(dx2, dy, x, M)
	assertClose(t, "dx", dx2, dx1, 1e-15)
	assertClose(t, "dW", po.Grad, pp.Grad, 1e-15)
}
