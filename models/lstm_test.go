package models_test

import (
	"math"
	"testing"

	"rnnbench/models"
)

// TestLSTMHandComputed: D = E = 1, i = 1/2, f = 3/4, o = 4/5 held constant
// by the biases, W_hg = 1 the only recurrent weight, inputs chosen so that
// g_0 = 0.6 and g_1 = −0.2:
//
//	c_0 = 0.5·0.6 = 0.3,  h_0 = 0.8·tanh 0.3
//	c_1 = 0.75·0.3 + 0.5·(−0.2) = 0.125,  h_1 = 0.8·tanh 0.125.
//
// With dy = (0, 1): dc_1 = o(1−τ_1²), dĝ_1 = dc_1·i(1−g_1²) = dx_1 = dh_0,
// dc_0 = dc_1·f + dh_0·o(1−τ_0²), dx_0 = dc_0·i(1−g_0²).
func TestLSTMHandComputed(t *testing.T) {
	c := models.Config{Mixer: "lstm", D: 1, Expansion: 1, V: 2, L: 1}
	m, ps, _ := buildMixer(t, c, 1, 2, 1, 2)
	rnnSet(t, ps, "mixer.weight_ih", 0, 0, 1, 0) // i, f, g, o
	rnnSet(t, ps, "mixer.weight_hh", 0, 0, 1, 0)
	rnnSet(t, ps, "mixer.bias_ih", 0, math.Log(3), 0, math.Log(4)) // σ(ln 3) = 3/4, σ(ln 4) = 4/5
	rnnSet(t, ps, "mixer.bias_hh", 0, 0, 0, 0)
	t0, t1 := math.Tanh(0.3), math.Tanh(0.125)
	h0 := 0.8 * t0
	x := []float64{math.Atanh(0.6), math.Atanh(-0.2) - h0}
	y := make([]float64, 2)
	m.Forward(y, x, 1, 2)
	rnnNear(t, "y", y, []float64{h0, 0.8 * t1})

	ps.ZeroGrad()
	dx := make([]float64, 2)
	m.Backward(dx, []float64{0, 1}, x, 1, 2)
	dc1 := 0.8 * (1 - t1*t1)
	dg1 := dc1 * 0.5 * 0.96
	dc0 := dc1*0.75 + dg1*0.8*(1-t0*t0)
	rnnNear(t, "dx", dx, []float64{dc0 * 0.5 * 0.64, dg1})
	// Only step 1 sees h_0: dW_h* = (dî_1, df̂_1, dĝ_1, dô_1)·h_0.
	whh, _ := ps.Get("mixer.weight_hh")
	rnnNear(t, "dW_hh", whh.Grad, []float64{
		dc1 * -0.2 * 0.25 * h0, dc1 * 0.3 * 0.1875 * h0, dg1 * h0, t1 * 0.16 * h0,
	})
	// Both bias gradients are the sum of the pre-activation gradients.
	bih, _ := ps.Get("mixer.bias_ih")
	bhh, _ := ps.Get("mixer.bias_hh")
	rnnNear(t, "db_hh", bhh.Grad, bih.Grad)
}

func TestLSTMParamsMemoryAndFLOPs(t *testing.T) {
	// G = 4 gates; activations i, f, g, o, c, h (6E per token); elementwise
	// 8E bias adds + 13E gate math; state h and c.
	rnnCostCheck(t, "lstm", 4, 6, 21, 2)
}

func TestLSTMInitBound(t *testing.T) {
	rnnCheckInit(t, models.Config{Mixer: "lstm", D: 8, Expansion: 2, V: 7, L: 1})
}

func TestLSTMNoAllocs(t *testing.T) {
	rnnCheckNoAllocs(t, models.Config{Mixer: "lstm", D: 4, Expansion: 2, V: 7, L: 1})
}

func TestLSTMParallelDeterminism(t *testing.T) {
	rnnCheckParallel(t, models.Config{Mixer: "lstm", D: 64, Expansion: 2, V: 7, L: 1})
}

// BenchmarkLSTM times one float32 Forward+Backward at B=16, T=64, D=128, E=256.
func BenchmarkLSTM(b *testing.B) { rnnBench(b, "lstm") }
