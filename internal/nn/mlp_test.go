package nn

import (
	"math/rand/v2"
	"testing"

	"rnnbench/internal/tensor"
)

func TestMLPGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const M, D, Hid = 3, 4, 8
	m, ps, a := newTestMLP[float64](rng, M, D, Hid)
	for _, name := range []string{"mlp.up.weight", "mlp.up.bias", "mlp.down.weight", "mlp.down.bias"} {
		if _, err := ps.Get(name); err != nil {
			t.Fatal(err)
		}
	}
	if got := a.Bytes(tensor.Activation); got != 2*M*Hid*8 {
		t.Fatalf("activation bytes %d, want %d", got, 2*M*Hid*8)
	}
	if got := a.Bytes(tensor.Scratch); got != M*Hid*8 {
		t.Fatalf("scratch bytes %d, want %d", got, M*Hid*8)
	}
	x, y := checkRowLayerGrad(t, rng, m, M, D, ps.Params)
	// y = Down(gelu(Up x)) by hand for row 0, output 0
	var want float64
	for h := 0; h < Hid; h++ {
		pre := m.Up.Bias.Data[h]
		for d := 0; d < D; d++ {
			pre += m.Up.W.Data[h*D+d] * x[d]
		}
		want += m.Down.W.Data[h] * gelu(pre)
	}
	want += m.Down.Bias.Data[0]
	assertClose(t, "y[0]", y[:1], []float64{want}, 1e-12)
	if got := m.FLOPs(10); got != 2*2*10*D*Hid {
		t.Fatalf("FLOPs %d", got)
	}
}

// TestMLPZeroAllocs checks that a training step through the MLP allocates
// nothing after Alloc (sizes small enough for gonum's serial Sgemm path).
func TestMLPZeroAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	const M, D, Hid = 16, 32, 128
	m, _, _ := newTestMLP[float32](rng, M, D, Hid)
	x, y, dy, dx := make([]float32, M*D), make([]float32, M*D), make([]float32, M*D), make([]float32, M*D)
	tensor.Normal(rng, x, 1)
	tensor.Normal(rng, dy, 1)
	if n := testing.AllocsPerRun(20, func() {
		m.Forward(y, x, M)
		m.Backward(dx, dy, x, M)
	}); n != 0 {
		t.Fatalf("MLP Forward+Backward: %v allocs, want 0", n)
	}
}
