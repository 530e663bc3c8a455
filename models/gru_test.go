package models_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"rnnbench/internal/tensor"
	"rnnbench/models"
	"rnnbench/models/modeltest"
)

// TestGRUAndLSTMConformance runs the mixer conformance suite on the GRU
// and the LSTM.
func TestGRUAndLSTMConformance(t *testing.T) {
	for _, mixer := range []string{"gru", "lstm"} {
		t.Run(mixer, func(t *testing.T) { conformanceWidths(t, models.Config{Mixer: mixer, D: 4, V: 7, L: 1}) })
	}
}

// TestGRUAndLSTMTorchFixtures holds the GRU to torch.nn.GRU and the LSTM
// to torch.nn.LSTM, each + nn.Linear(E, D), in float64; regenerate the
// fixtures with /usr/bin/python3 scripts/torch/gru.py and scripts/torch/lstm.py.
func TestGRUAndLSTMTorchFixtures(t *testing.T) {
	for _, mixer := range []string{"gru", "lstm"} {
		t.Run(mixer, func(t *testing.T) { modeltest.CheckTorchFixture(t, "../testdata/torch/"+mixer+".json") })
	}
}

// rnnSet overwrites the named parameter with v.
func rnnSet(t *testing.T, ps *tensor.ParamSet[float64], name string, v ...float64) {
	t.Helper()
	p, err := ps.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != p.Size() {
		t.Fatalf("%s: %d values for size %d", name, len(v), p.Size())
	}
	copy(p.Data, v)
}

// rnnNear fails unless every got[i] is within 1e-12 of want[i].
func rnnNear(t *testing.T, what string, got, want []float64) {
	t.Helper()
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("%s[%d] = %.15g, want %.15g", what, i, got[i], want[i])
		}
	}
}

// TestGRUHandComputed: D = E = 1, r = 1/2 and z = 3/4 held constant by the
// biases, inputs chosen so that n_0 = 0.8 and n_1 = 0.4:
//
//	h_0 = (1/4)·0.8 = 0.2,  h_1 = (1/4)·0.4 + (3/4)·0.2 = 0.25.
//
// With dy = (0, 1): dx_1 = (1−z)(1−n_1²) = 0.21; dh_0 = z + (1−z)(1−n_1²)·r·W_hn
// = 0.75 + 0.105 = 0.855, dx_0 = dh_0·(1−z)(1−n_0²) = 0.07695.
func TestGRUHandComputed(t *testing.T) {
	c := models.Config{Mixer: "gru", D: 1, Expansion: 1, V: 2, L: 1}
	m, ps, _ := buildMixer(t, c, 1, 2, 1, 2)
	rnnSet(t, ps, "mixer.weight_ih", 0, 0, 1) // r, z, n
	rnnSet(t, ps, "mixer.weight_hh", 0, 0, 1)
	rnnSet(t, ps, "mixer.bias_ih", 0, math.Log(3), 0) // σ(ln 3) = 3/4
	rnnSet(t, ps, "mixer.bias_hh", 0, 0, 0)
	x := []float64{math.Atanh(0.8), math.Atanh(0.4) - 0.5*0.2} // n̂_1 = x_1 + r·h_0
	y := make([]float64, 2)
	m.Forward(y, x, 1, 2)
	rnnNear(t, "y", y, []float64{0.2, 0.25})

	ps.ZeroGrad()
	dx := make([]float64, 2)
	m.Backward(dx, []float64{0, 1}, x, 1, 2)
	rnnNear(t, "dx", dx, []float64{0.855 * 0.25 * 0.36, 0.21})
	// Only step 1 sees h_0 = 0.2: dW_hr = dr̂_1·h_0 = dn̂_1·(W_hn h_0)·r(1−r)·h_0,
	// dW_hz = dẑ_1·h_0 = (h_0−n_1)·z(1−z)·h_0, dW_hn = dn̂_1·r·h_0, with dn̂_1 = 0.21.
	whh, _ := ps.Get("mixer.weight_hh")
	rnnNear(t, "dW_hh", whh.Grad, []float64{0.21 * 0.2 * 0.25 * 0.2, (0.2 - 0.4) * 0.1875 * 0.2, 0.21 * 0.5 * 0.2})
}

func TestGRUParamsMemoryAndFLOPs(t *testing.T) {
	// G = 3 gates; activations r, z, n, W_hn h + b_hn, h (5E per token);
	// elementwise 6E bias adds + 11E gate math; state h.
	rnnCostCheck(t, "gru", 3, 5, 17, 1)
}

// rnnCostCheck checks a G-gate recurrent mixer (GRU, LSTM) at D = 4,
// E = D and 2D: parameters G·E(D+E) + 2G·E (+ E·D out), activation bytes
// act·E·B·T·8, FLOPs 2·D·G·E + 2·E·G·E + elem·E (+ 2·E·D out) and state
// bytes states·B·E·8.
func rnnCostCheck(t *testing.T, mixer string, G, act, elem, states int) {
	const D, B, T = 4, 3, 5
	for _, exp := range []int{1, 2} {
		E := exp * D
		c := models.Config{Mixer: mixer, D: D, Expansion: exp, V: 7, L: 1}
		m, ps, a := buildMixer(t, c, B, T, 1, 2)
		wantParams := G*E*(D+E) + 2*G*E
		wantFLOPs := int64(2*D*G*E + 2*E*G*E + elem*E)
		if exp != 1 {
			wantParams += E * D
			wantFLOPs += int64(2 * E * D)
		}
		if ps.Count() != wantParams {
			t.Errorf("E=%d: %d parameters, want %dE(D+E)+%dE(+ED) = %d", E, ps.Count(), G, 2*G, wantParams)
		}
		if got, want := a.Bytes(tensor.Activation), int64(act*E*B*T*8); got != want {
			t.Errorf("E=%d: activation bytes %d, want %dE·B·T·8 = %d", E, got, act, want)
		}
		if got := m.FLOPs(T); got != wantFLOPs {
			t.Errorf("E=%d: FLOPs %d, want %d", E, got, wantFLOPs)
		}
		if got, want := m.NewState(B, T).Bytes(), int64(states*B*E*8); got != want {
			t.Errorf("E=%d: state bytes %d, want %d·B·E·8 = %d", E, got, states, want)
		}
	}
}

// TestGRUInitBound: every parameter lies in U(±1/√E) as in PyTorch, and
// fills its range (not left at zero).
func TestGRUInitBound(t *testing.T) {
	rnnCheckInit(t, models.Config{Mixer: "gru", D: 8, Expansion: 2, V: 7, L: 1})
}

func rnnCheckInit(t *testing.T, c models.Config) {
	_, ps, _ := buildMixer(t, c, 1, 1, 1, 2)
	bound := 1 / math.Sqrt(float64(c.E()))
	for _, p := range ps.Params {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range p.Data {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if lo < -bound || hi > bound || hi-lo < bound {
			t.Errorf("%s: values in [%.3g, %.3g], want spread over ±%.3g", p.Name, lo, hi, bound)
		}
	}
}

func TestGRUConfigErrors(t *testing.T) {
	for _, mixer := range []string{"gru", "lstm"} {
		ps := &tensor.ParamSet[float64]{}
		if _, err := models.NewMixer(ps, "mixer", models.Config{Mixer: mixer, D: 4, Expansion: 0}); err == nil {
			t.Errorf("%s with expansion 0: no error", mixer)
		}
	}
}

// TestGRUNoAllocs: Forward, Backward and Step allocate nothing on one
// thread (tensor.For itself starts goroutines when GOMAXPROCS > 1).
func TestGRUNoAllocs(t *testing.T) {
	rnnCheckNoAllocs(t, models.Config{Mixer: "gru", D: 4, Expansion: 2, V: 7, L: 1})
}

func rnnCheckNoAllocs(t *testing.T, c models.Config) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const B, T = 2, 16
	m, _, _ := buildMixer(t, c, B, T, 1, 2)
	mixerNoAllocs(t, m, c.D, B, T)
}

// TestGRUParallelDeterminism: with E large enough that the gate math splits
// into several chunks, float32 results are bit-identical for GOMAXPROCS 1
// and 2 (the conformance suite's sizes fit in one chunk).
func TestGRUParallelDeterminism(t *testing.T) {
	rnnCheckParallel(t, models.Config{Mixer: "gru", D: 64, Expansion: 2, V: 7, L: 1})
}

func rnnCheckParallel(t *testing.T, c models.Config) {
	const B, T = 40, 6
	run := func(procs int) []float32 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		ps := &tensor.ParamSet[float32]{}
		m, err := models.NewMixer(ps, "mixer", c)
		if err != nil {
			t.Fatal(err)
		}
		ps.Finalize()
		m.Init(rand.New(rand.NewPCG(3, 4)))
		m.Alloc(&tensor.Arena[float32]{}, B, T)
		n := B * T * c.D
		x, dy, y, dx := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		rng := rand.New(rand.NewPCG(5, 6))
		tensor.Normal(rng, x, 1)
		tensor.Normal(rng, dy, 1)
		m.Forward(y, x, B, T)
		m.Backward(dx, dy, x, B, T)
		return append(append(y, dx...), ps.Grad...)
	}
	a, b := run(1), run(2)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("element %d of (y, dx, grads): %v with GOMAXPROCS 1, %v with 2", i, a[i], b[i])
		}
	}
}

// BenchmarkGRU times one float32 Forward+Backward at B=16, T=64, D=128, E=256.
func BenchmarkGRU(b *testing.B) { rnnBench(b, "gru") }

func rnnBench(b *testing.B, mixer string) {
	const B, T, D = 16, 64, 128
	c := models.Config{Mixer: mixer, D: D, Expansion: 2, V: 7, L: 1}
	ps := &tensor.ParamSet[float32]{}
	m, err := models.NewMixer(ps, "mixer", c)
	if err != nil {
		b.Fatal(err)
	}
	ps.Finalize()
	m.Init(rand.New(rand.NewPCG(1, 2)))
	m.Alloc(&tensor.Arena[float32]{}, B, T)
	n := B * T * D
	x, y, dx := make([]float32, n), make([]float32, n), make([]float32, n)
	tensor.Normal(rand.New(rand.NewPCG(1, 1)), x, 1)
	b.ResetTimer()
	for b.Loop() {
		m.Forward(y, x, B, T)
		m.Backward(dx, y, x, B, T)
	}
	b.ReportMetric(float64(3*m.FLOPs(T)*B*T)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
