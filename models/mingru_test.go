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

// TestMinGRUConformance runs the suite at E = 2D and E = D (no output
// projection, y = h).
func TestMinGRUConformance(t *testing.T) {
	conformanceWidths(t, models.Config{Mixer: "mingru", Mode: "parallel", D: 4, V: 7, L: 1})
}

func TestMinGRUTorchFixture(t *testing.T) {
	modeltest.CheckTorchFixture(t, "../testdata/torch/mingru.json")
}

// minBuild makes a float64 mixer for B×T with seeded parameters.
func minBuild(t *testing.T, c models.Config, B, T int) (*tensor.ParamSet[float64], models.Mixer[float64]) {
	t.Helper()
	ps, m := initMixer[float64](t, "mixer", c, 3, 3)
	allocMixer(m, B, T)
	return ps, m
}

func TestMinGRUHandValues(t *testing.T) {
	// D = E = 1, W_in = [0; 1], b_in = 0: k_z = 0 (z = ½), k_h = x.
	// x = (1, −1, 0): h̃ = g(x) = (1.5, σ(−1), 0.5);
	// h = (0.75, ½·0.75 + ½·σ(−1), ½·h_1 + ¼).
	s := 1 / (1 + math.E) // σ(−1)
	h1 := 0.75
	h2 := 0.5*h1 + 0.5*s
	want := []float64{h1, h2, 0.5*h2 + 0.25}
	minHandCheck(t, "mingru", []float64{0, 1}, []float64{0, 0}, want)
}

// minHandCheck sets the D = E = 1 mixer's in.weight to w and in.bias to
// bias and requires y within 1e-15 of want for x = (1, −1, 0), in every
// mode.
func minHandCheck(t *testing.T, mixer string, w, bias, want []float64) {
	for _, mode := range models.Modes[mixer] {
		c := models.Config{Mixer: mixer, Mode: mode, D: 1, Expansion: 1}
		ps, m := minBuild(t, c, 1, 3)
		if len(ps.Params) != 2 {
			t.Fatalf("%s: %d parameters, want in.weight and in.bias only (E == D)", mode, len(ps.Params))
		}
		copy(ps.Params[0].Data, w)
		copy(ps.Params[1].Data, bias)
		y := make([]float64, 3)
		m.Forward(y, []float64{1, -1, 0}, 1, 3)
		for i := range want {
			if math.Abs(y[i]-want[i]) > 1e-15 {
				t.Errorf("%s: y[%d] = %.17g, want %.17g", mode, i, y[i], want[i])
			}
		}
	}
}

func TestMinGRUParameters(t *testing.T) {
	// minGRU: 2·E·D weights + 2E biases in, E·D out (ANCHORS: 2·E·D core).
	ps, m := minBuild(t, models.Config{Mixer: "mingru", Mode: "parallel", D: 4, Expansion: 3}, 2, 3)
	D, E := 4, 12
	if got, want := ps.Count(), 2*E*D+2*E+E*D; got != want {
		t.Errorf("parameters = %d, want %d", got, want)
	}
	for i, name := range []string{"mixer.in.weight", "mixer.in.bias", "mixer.out.weight"} {
		if ps.Params[i].Name != name {
			t.Errorf("parameter %d = %q, want %q", i, ps.Params[i].Name, name)
		}
	}
	if s := m.NewState(5, 100); s.Bytes() != 5*int64(E)*8 {
		t.Errorf("state bytes = %d, want B·E·8 = %d", s.Bytes(), 5*E*8)
	}
	// Parallel: matmuls 2·D·2E + 2·E·D, bias 2E, elementwise 19 per channel.
	if got, want := m.FLOPs(64), int64(2*D*2*E+2*E*D+2*E+19*E); got != want {
		t.Errorf("FLOPs = %d, want %d", got, want)
	}
}

// minModesAgree runs every mode of c on the same parameters (scaled by
// scale, to reach extreme pre-activations) and requires finite outputs and
// gradients that agree with the first mode within tol of their scale.
func minModesAgree(t *testing.T, c models.Config, B, T int, scale, tol float64) {
	t.Helper()
	n := B * T * c.D
	rng := rand.New(rand.NewPCG(8, 8))
	x, dy := make([]float64, n), make([]float64, n)
	tensor.Normal(rng, x, 1)
	tensor.Normal(rng, dy, 1)
	var ref [3][]float64
	for i, mode := range models.Modes[c.Mixer] {
		cm := c
		cm.Mode = mode
		ps, m := minBuild(t, cm, B, T)
		for j := range ps.Params[0].Data { // in.weight
			ps.Params[0].Data[j] *= scale
		}
		y, dx := make([]float64, n), make([]float64, n)
		m.Forward(y, x, B, T)
		m.Backward(dx, dy, x, B, T)
		got := [3][]float64{y, dx, ps.Grad}
		for k, what := range []string{"y", "dx", "grads"} {
			if !tensor.IsFinite(got[k]) {
				t.Fatalf("%s: %s not finite", mode, what)
			}
			if i == 0 {
				continue
			}
			if e, at := maxScaled(got[k], ref[k]); e > tol {
				t.Errorf("%s vs %s: %s scaled error %.2g at [%d]: %.17g vs %.17g", mode, models.Modes[c.Mixer][0], what, e, at, got[k][at], ref[k][at])
			}
		}
		if i == 0 {
			ref = got
		}
	}
}

func TestMinGRUModesAgree(t *testing.T) {
	minModesAgree(t, models.Config{Mixer: "mingru", D: 6, Expansion: 3}, 3, 33, 1, 1e-13)
}

func TestMinGRUModesAgreeExtreme(t *testing.T) {
	// W_in·1e4 puts the pre-activations at ±1e4 and beyond: gates saturate,
	// log a reaches −1e4 per step and a* ≈ −1e4·T. The log-space mode must
	// stay finite and match the recurrence (to about ulp(a*)/|h|, ~1e-12).
	minModesAgree(t, models.Config{Mixer: "mingru", D: 6, Expansion: 3}, 2, 20, 1e4, 1e-10)
}

// minAllocs returns the heap allocations of one Forward + Backward in
// float32 with GOMAXPROCS 1.
func minAllocs(t *testing.T, c models.Config) float64 {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	const B, T = 2, 16
	_, m := initMixer[float32](t, "mixer", c, 1, 1)
	allocMixer(m, B, T)
	x, y, dx := minInputs(B * T * c.D)
	st := m.NewState(B, T)
	return testing.AllocsPerRun(10, func() {
		m.Forward(y, x, B, T)
		m.Backward(dx, y, x, B, T)
		m.Step(st, y[:B*c.D], x[:B*c.D])
	})
}

func TestMinGRUNoAllocations(t *testing.T) { minNoAllocs(t, "mingru") }

// minNoAllocs requires 0 allocations per Forward+Backward+Step in every
// mode of mixer.
func minNoAllocs(t *testing.T, mixer string) {
	for _, mode := range models.Modes[mixer] {
		if n := minAllocs(t, models.Config{Mixer: mixer, Mode: mode, D: 8, Expansion: 2}); n != 0 {
			t.Errorf("%s: %v allocations per Forward+Backward+Step, want 0", mode, n)
		}
	}
}

func TestMinGRUBadConfig(t *testing.T) {
	ps := &tensor.ParamSet[float64]{}
	if _, err := models.NewMixer(ps, "m", models.Config{Mixer: "mingru", Mode: "scan", D: 4, Expansion: 2}); err == nil {
		t.Error("mode \"scan\" accepted")
	}
	if _, err := models.NewMixer(ps, "m", models.Config{Mixer: "mingru", Mode: "parallel", D: 4}); err == nil {
		t.Error("expansion 0 accepted")
	}
}

// minForward32vs64 returns the scaled error of a float32 Forward against
// float64 with the same (float32-representable) parameters and input.
func minForward32vs64(t *testing.T, c models.Config, B, T int) float64 {
	n := B * T * c.D
	ps64, m64 := minBuild(t, c, B, T)
	ps32 := &tensor.ParamSet[float32]{}
	m32, err := models.NewMixer(ps32, "mixer", c)
	if err != nil {
		t.Fatal(err)
	}
	ps32.Finalize()
	for i, v := range ps64.Data {
		ps32.Data[i] = float32(v)
		ps64.Data[i] = float64(ps32.Data[i])
	}
	var a tensor.Arena[float32]
	m32.Alloc(&a, B, T)
	x64, x32 := make([]float64, n), make([]float32, n)
	tensor.Normal(rand.New(rand.NewPCG(4, 4)), x32, 1)
	for i, v := range x32 {
		x64[i] = float64(v)
	}
	y64, y32 := make([]float64, n), make([]float32, n)
	m64.Forward(y64, x64, B, T)
	m32.Forward(y32, x32, B, T)
	got := make([]float64, n)
	for i, v := range y32 {
		got[i] = float64(v)
	}
	e, _ := maxScaled(got, y64)
	return e
}

func TestMinGRUFloat32LongSequence(t *testing.T) {
	// In float32 every mode stays within float32 rounding of float64 at
	// T = 1024 (about 1e-7 scaled): the log-space scan keeps a* = Σ log a in
	// float64 and rounds log h once (rounding a* to float32 at each step, as
	// the paper's float32 cumsum does, gave 1.3e-5 here).
	minFloat32Long(t, "mingru")
}

// minFloat32Long requires every mode of mixer to give a float32 Forward
// within 1e-6 (scaled) of float64 at T = 1024.
func minFloat32Long(t *testing.T, mixer string) {
	for _, mode := range models.Modes[mixer] {
		c := models.Config{Mixer: mixer, Mode: mode, D: 8, Expansion: 2}
		if e := minForward32vs64(t, c, 2, 1024); e > 1e-6 {
			t.Errorf("%s: float32 vs float64 scaled error %.2g", mode, e)
		} else {
			t.Logf("%s: float32 vs float64 scaled error %.2g", mode, e)
		}
	}
}

// BenchmarkMinGRU times a float32 Forward + Backward per mode
// (B=8, T=512, D=64, E=128).
func BenchmarkMinGRU(b *testing.B) { minBenchModes(b, "mingru") }

// minBenchModes runs minBench for every mode of mixer.
func minBenchModes(b *testing.B, mixer string) {
	for _, mode := range models.Modes[mixer] {
		b.Run(mode, func(b *testing.B) { minBench(b, models.Config{Mixer: mixer, Mode: mode, D: 64, Expansion: 2}) })
	}
}

func minBench(b *testing.B, c models.Config) {
	const B, T = 8, 512
	_, m := initMixer[float32](b, "mixer", c, 1, 1)
	allocMixer(m, B, T)
	x, y, dx := minInputs(B * T * c.D)
	b.ReportAllocs()
	for b.Loop() {
		m.Forward(y, x, B, T)
		m.Backward(dx, y, x, B, T)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*B*T), "ns/token")
}

// minInputs returns x drawn from N(0, 1) (PCG(2, 2)) and zeroed y and dx,
// each of n float32 values.
func minInputs(n int) (x, y, dx []float32) {
	x, y, dx = make([]float32, n), make([]float32, n), make([]float32, n)
	tensor.Normal(rand.New(rand.NewPCG(2, 2)), x, 1)
	return x, y, dx
}
